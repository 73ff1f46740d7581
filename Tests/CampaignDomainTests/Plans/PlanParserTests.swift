import CampaignDomain
import TestSupport
import Testing

@Suite struct PlanParserTests {
    func parse(_ json: String) -> (plans: [Plan], errors: [PlanError]) {
        PlanParser().parse(Array(json.utf8), source: "plans/test.json")
    }

    static let contractExample = #"""
        {"id":"birthday-gold","version":3,"name":"Birthday gift, gold and above","status":"active",
         "trigger":{"type":"birthday","offsetDays":-3,"at":"09:00","leapDay":"feb28"},
         "audience":{"all":[{"field":"tier","in":["gold","platinum","diamond"]},{"not":{"field":"tags","contains":"blocked"}}]},
         "actions":[{"type":"coupon","template":"BDAY-50","validDays":30},
                    {"type":"notify","channels":["wechat","sms"],"template":"birthday-greeting"}],
         "schedule":{"startsAt":"2026-01-01T00:00:00+08:00","endsAt":null},
         "limits":{"perMember":{"count":1,"within":"P365D"}},
         "holdoutPercent":5}
        """#

    @Test func parsesTheContractExample() throws {
        let (plans, errors) = parse(Self.contractExample)
        #expect(errors.isEmpty)
        let plan = try #require(plans.first)
        #expect(plan.id == "birthday-gold" && plan.version == 3)
        #expect(plan.trigger == .birthday(BirthdayTrigger(offsetDays: -3, at: LocalTime(hour: 9, minute: 0), leapDay: .feb28)))
        #expect(plan.holdoutBasisPoints == 500)
        #expect(plan.limits.perMember?.count == 1)
        #expect(plan.schedule.startsAt == Instant.at("2026-01-01T00:00:00+08:00"))
        #expect(plan.actions.count == 2)
    }

    @Test func parsesArraysOfPlans() {
        let (plans, errors) = parse(#"[{"id":"a","trigger":{"type":"dormancy","inactiveDays":[30,60,90]},"actions":[{"type":"notify","channels":["sms"],"template":"t"}]},{"id":"b","trigger":{"type":"pointsExpiring","withinDays":[7,30],"minPoints":100},"actions":[{"type":"coupon","template":"c","validUntil":"2027-01-01T00:00:00Z"}]}]"#)
        #expect(errors.isEmpty)
        #expect(plans.map(\.id) == ["a", "b"])
        #expect(plans.last?.trigger == .pointsExpiring(PointsExpiringTrigger(withinDays: [30, 7], minPoints: 100)))
    }

    @Test func reportsEveryErrorWithItsPath() {
        let (plans, errors) = parse(#"""
            {"id":"bad","colour":"red","status":"live",
             "trigger":{"type":"birthday","at":"25:00","leapDay":"feb29"},
             "audience":{"all":[{"field":"tier","gt":3},{"field":"shoeSize","eq":42},{"field":"tags","contains":"x","eq":"y"},{"field":"orderCount","eq":"many"}]},
             "actions":[{"type":"notify","channels":["fax"],"template":"t"},{"type":"coupon","template":"c"}],
             "limits":{"perMember":{"count":1,"within":"1 year"}}}
            """#)
        #expect(plans.isEmpty)
        let found = Set(errors.map { $0.path })
        for path in [
            "$.colour", "$.status", "$.trigger.at", "$.trigger.leapDay", "$.audience.all[0].gt", "$.audience.all[1].field",
            "$.audience.all[2]", "$.audience.all[3].eq", "$.actions[0].channels[0]", "$.actions[1]", "$.limits.perMember.within",
        ] {
            #expect(found.contains(path), "missing error at \(path); got \(errors)")
        }
        #expect(errors.allSatisfy { $0.source == "plans/test.json" })
        #expect(errors.first { $0.path == "$.actions[0].channels[0]" }?.reason.contains("fax") == true)
        #expect(errors.first { $0.path == "$.audience.all[0].gt" }?.reason.contains("tier") == true)
    }

    @Test func parsesEveryTriggerType() throws {
        let notify = #"[{"type":"notify","channels":["sms"],"template":"t"}]"#
        let triggers: [(String, Trigger)] = [
            (#"{"type":"anniversary","years":[1,5],"at":"10:00"}"#, .anniversary(AnniversaryTrigger(years: [1, 5], at: LocalTime(hour: 10, minute: 0)))),
            (#"{"type":"enrolled","delay":"PT2H"}"#, .enrolled(EnrolledTrigger(delay: ISODuration("PT2H")!))),
            (#"{"type":"firstPurchase"}"#, .firstPurchase),
            (#"{"type":"tierChanged","direction":"up","to":["gold","diamond"]}"#, .tierChanged(TierChangedTrigger(direction: .up, to: ["gold", "diamond"]))),
            (#"{"type":"spendThreshold","amount":"5000.00","period":"calendarYear"}"#, .spendThreshold(SpendThresholdTrigger(amount: DecimalAmount("5000")!, period: .calendarYear))),
            (#"{"type":"event","eventType":"order.completed","where":{"field":"event.amount","gte":500}}"#, .event(EventTrigger(eventType: "order.completed", condition: .compare(.event(["amount"]), .gte(DecimalAmount(integer: 500)))))),
            (#"{"type":"recurring","every":"month","on":1,"at":"10:00"}"#, .recurring(RecurringTrigger(every: .month(day: 1), at: LocalTime(hour: 10, minute: 0)))),
            (#"{"type":"recurring","every":"week","on":"Friday"}"#, .recurring(RecurringTrigger(every: .week(weekday: 5)))),
            (#"{"type":"recurring","every":"year","on":"12-01"}"#, .recurring(RecurringTrigger(every: .year(month: 12, day: 1)))),
            (#"{"type":"recurring","every":"day","at":"08:30"}"#, .recurring(RecurringTrigger(every: .day, at: LocalTime(hour: 8, minute: 30)))),
        ]
        for (json, expected) in triggers {
            let (plans, errors) = parse(#"{"id":"p","trigger":\#(json),"actions":\#(notify)}"#)
            #expect(errors.isEmpty, "\(json): \(errors)")
            #expect(plans.first?.trigger == expected)
        }
    }

    @Test func rejectsBadTriggerParameters() {
        let notify = #"[{"type":"notify","channels":["sms"],"template":"t"}]"#
        let cases: [(String, String)] = [
            (#"{"type":"moonPhase"}"#, "$.trigger.type"),
            (#"{"type":"enrolled","delay":"3 days"}"#, "$.trigger.delay"),
            (#"{"type":"tierChanged","direction":"sideways"}"#, "$.trigger.direction"),
            (#"{"type":"tierChanged","to":["bronze"]}"#, "$.trigger.to[0]"),
            (#"{"type":"spendThreshold","amount":-5,"period":"calendarYear"}"#, "$.trigger.amount"),
            (#"{"type":"spendThreshold","amount":5,"period":"fortnight"}"#, "$.trigger.period"),
            (#"{"type":"event","eventType":"order.completed","where":{"field":"tier","eq":"gold"}}"#, "$.trigger.where.field"),
            (#"{"type":"recurring","every":"week","on":"someday"}"#, "$.trigger.on"),
            (#"{"type":"recurring","every":"month","on":32}"#, "$.trigger.on"),
            (#"{"type":"recurring","every":"year","on":"02-30"}"#, "$.trigger.on"),
            (#"{"type":"anniversary","years":[0]}"#, "$.trigger.years[0]"),
        ]
        for (json, path) in cases {
            let (plans, errors) = PlanParser(knownTiers: ["normal", "silver", "gold", "platinum", "diamond"])
                .parse(Array(#"{"id":"p","trigger":\#(json),"actions":\#(notify)}"#.utf8), source: "t.json")
            #expect(plans.isEmpty, "\(json)")
            #expect(errors.contains { $0.path == path }, "\(json): expected an error at \(path), got \(errors)")
        }
        let (_, audienceErrors) = parse(#"{"id":"p","trigger":{"type":"birthday"},"audience":{"field":"event.amount","gt":1},"actions":\#(notify)}"#)
        #expect(audienceErrors.first?.path == "$.audience.field")
    }

    @Test func parsesDeliveryRules() throws {
        let (plans, errors) = parse(#"{"id":"q","trigger":{"type":"birthday"},"actions":[{"type":"notify","channels":["sms"],"template":"t"}],"schedule":{"quietHours":{"from":"21:00","to":"09:00"}},"limits":{"totalCoupons":10}}"#)
        #expect(errors.isEmpty)
        #expect(plans.first?.schedule.quietHours == QuietHours(from: LocalTime(hour: 21, minute: 0), to: LocalTime(hour: 9, minute: 0)))
        #expect(plans.first?.limits.totalCoupons == 10)
        let (_, bad) = parse(#"{"id":"q","trigger":{"type":"birthday"},"actions":[{"type":"notify","channels":["sms"],"template":"t"}],"schedule":{"quietHours":{"from":"21:00","to":"21:00"}},"limits":{"totalCoupons":-1}}"#)
        #expect(Set(bad.map(\.path)) == ["$.schedule.quietHours", "$.limits.totalCoupons"])
    }

    @Test func reportsInvalidJSONWithItsOffset() {
        let (_, errors) = parse(#"{"id": }"#)
        #expect(errors.count == 1)
        #expect(errors[0].reason.contains("byte 7"))
    }
}
