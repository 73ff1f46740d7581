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

    @Test func rejectsTriggersThisVersionDoesNotRunYet() {
        let (_, errors) = parse(#"{"id":"w","trigger":{"type":"enrolled","delay":"P1D"},"actions":[{"type":"notify","channels":["sms"],"template":"t"}]}"#)
        #expect(errors.first?.path == "$.trigger.type")
        #expect(errors.first?.reason.contains("not supported") == true)
        let (_, unknown) = parse(#"{"id":"w","trigger":{"type":"moonPhase"},"actions":[{"type":"notify","channels":["sms"],"template":"t"}]}"#)
        #expect(unknown.first?.reason.contains("unknown trigger type") == true)
    }

    @Test func rejectsFeaturesOfLaterReleasesInsteadOfIgnoringThem() {
        let (_, errors) = parse(#"{"id":"q","trigger":{"type":"birthday"},"actions":[{"type":"notify","channels":["sms"],"template":"t"}],"schedule":{"quietHours":{"from":"21:00","to":"09:00"}},"limits":{"totalCoupons":10}}"#)
        #expect(Set(errors.map(\.path)) == ["$.schedule.quietHours", "$.limits.totalCoupons"])
    }

    @Test func reportsInvalidJSONWithItsOffset() {
        let (_, errors) = parse(#"{"id": }"#)
        #expect(errors.count == 1)
        #expect(errors[0].reason.contains("byte 7"))
    }
}
