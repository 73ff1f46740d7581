import CampaignDomain
import TestSupport
import Testing

@Suite struct EvaluatorTests {
    var events = EventFactory()
    static let goldAudience = #"{"all":[{"field":"tier","in":["gold","platinum","diamond"]},{"not":{"field":"tags","contains":"blocked"}}]}"#

    @Test mutating func audienceDecidesOnTheStateAtFireTime() {
        var harness = SimulationHarness(plans: [PlanFactory.birthday(audience: Self.goldAudience)], until: "2026-12-31T00:00:00Z")
        harness.send(
            events.enrolled("m-gold", at: "2026-01-05T10:00:00+08:00", tier: "gold", birthday: "1990-03-12"),
            events.enrolled("m-silver", at: "2026-01-05T10:00:00+08:00", tier: "silver", birthday: "1990-03-12"),
            events.enrolled("m-blocked", at: "2026-01-05T10:00:00+08:00", tier: "gold", birthday: "1990-03-12", tags: #"["blocked"]"#),
            // Upgraded before the birthday: evaluated on the state when the trigger fires.
            events.enrolled("m-upgraded", at: "2026-01-05T10:00:00+08:00", tier: "silver", birthday: "1990-03-12"),
            events.event("tier.changed", "m-upgraded", at: "2026-02-01T10:00:00+08:00", data: #"{"from":"silver","to":"platinum"}"#))
        harness.finish()
        #expect(Set(harness.couponJobs.map { $0.string("memberId")! }) == ["m-gold", "m-upgraded"])
        let suppressed = harness.decisions.filter { $0.string("outcome") == "suppressed" }
        #expect(Set(suppressed.map { $0.string("memberId")! }) == ["m-silver", "m-blocked"])
        #expect(suppressed.allSatisfy { $0.string("reason") == "audience" && $0.value("jobIds") == .array([]) })
    }

    @Test mutating func numericAudienceFieldsCompareWithDecimals() {
        let plan = PlanFactory.birthday(audience: #"{"all":[{"field":"lifetimeSpend","gte":500},{"field":"age","between":[30,40]},{"field":"consents.sms","eq":true}]}"#)
        var harness = SimulationHarness(plans: [plan], until: "2026-12-31T00:00:00Z")
        harness.send(
            events.enrolled("m-1", at: "2026-01-05T10:00:00+08:00", birthday: "1990-03-12"),
            events.event("order.completed", "m-1", at: "2026-01-06T10:00:00+08:00", data: #"{"orderId":"o","amount":"800.00"}"#),
            events.enrolled("m-2", at: "2026-01-05T10:00:00+08:00", birthday: "1990-03-12"),
            events.event("order.completed", "m-2", at: "2026-01-06T10:00:00+08:00", data: #"{"orderId":"o","amount":"499.99"}"#),
            events.enrolled("m-3", at: "2026-01-05T10:00:00+08:00", birthday: "--03-12"),
            events.event("order.completed", "m-3", at: "2026-01-06T10:00:00+08:00", data: #"{"orderId":"o","amount":"900"}"#))
        harness.finish()
        // m-2 spent too little; m-3 has no birth year, so no age.
        #expect(harness.couponJobs.map { $0.string("memberId")! } == ["m-1"])
    }

    @Test mutating func notificationFallsBackToTheFirstConsentedChannel() {
        var harness = SimulationHarness(plans: [PlanFactory.birthday()], until: "2026-12-31T00:00:00Z")
        harness.send(events.enrolled("m-1", at: "2026-01-05T10:00:00+08:00", birthday: "1990-03-12", consents: #"{"wechat":false,"sms":true}"#))
        harness.finish()
        #expect(harness.notificationJobs.map { $0.string("notification.channel")! } == ["sms"])
    }

    @Test mutating func withoutConsentTheCouponStillGoesAndTheDecisionSaysWhy() throws {
        var harness = SimulationHarness(plans: [PlanFactory.birthday()], until: "2026-12-31T00:00:00Z")
        harness.send(events.enrolled("m-1", at: "2026-01-05T10:00:00+08:00", birthday: "1990-03-12", consents: #"{"wechat":false}"#))
        harness.finish()
        #expect(harness.couponJobs.count == 1)
        #expect(harness.notificationJobs.isEmpty)
        let decision = try #require(harness.decisions.first)
        #expect(decision.string("outcome") == "fired")
        #expect(decision.value("reason") == .null)
        #expect(decision.value("suppressedActions") == JSONValue.array([.object(JSONObject([("action", .number("1")), ("reason", .string("no-consent"))]))]))
        #expect(decision.value("jobIds")?.arrayValue?.count == 1)
    }

    @Test mutating func aNotifyOnlyPlanWithoutConsentIsSuppressed() throws {
        let plan = PlanFactory.plan(#"{"id":"greet","trigger":{"type":"birthday"},"actions":[{"type":"notify","channels":["email"],"template":"t"}]}"#)
        var harness = SimulationHarness(plans: [plan], until: "2026-12-31T00:00:00Z")
        harness.send(events.enrolled("m-1", at: "2026-01-05T10:00:00+08:00", birthday: "1990-03-12"))
        harness.finish()
        let decision = try #require(harness.decisions.first)
        #expect(decision.string("outcome") == "suppressed")
        #expect(decision.string("reason") == "no-consent")
    }

    @Test mutating func perMemberLimitCountsFiringsInTheWindow() {
        let plan = PlanFactory.plan(#"{"id":"win-back","trigger":{"type":"dormancy","inactiveDays":[30,60,90]},"actions":[{"type":"coupon","template":"C","validDays":7}],"limits":{"perMember":{"count":2,"within":"P45D"}}}"#)
        var harness = SimulationHarness(plans: [plan], until: "2026-12-31T00:00:00Z")
        harness.send(events.enrolled("m-1", at: "2026-01-01T08:00:00+08:00"))
        harness.finish()
        // 30d and 60d are 30 days apart (two within 45 days); 90d is 30 days after 60d, with 60d still in its window
        // but 30d out of it, so it fires too.
        #expect(harness.couponJobs.count == 3)
        let strict = PlanFactory.plan(#"{"id":"win-back","trigger":{"type":"dormancy","inactiveDays":[30,60,90]},"actions":[{"type":"coupon","template":"C","validDays":7}],"limits":{"perMember":{"count":1,"within":"P365D"}}}"#)
        var second = SimulationHarness(plans: [strict], until: "2026-12-31T00:00:00Z")
        second.send(events.enrolled("m-1", at: "2026-01-01T08:00:00+08:00"))
        second.finish()
        #expect(second.couponJobs.count == 1)
        #expect(second.decisions.compactMap { $0.string("reason") } == ["limit", "limit"])
    }

    @Test mutating func pausedPlansAndWindowsSuppressWithTheirReason() {
        var paused = PlanFactory.birthday(id: "paused")
        paused.status = .paused
        var windowed = PlanFactory.birthday(id: "windowed")
        windowed.schedule = Plan.Schedule(startsAt: Instant.at("2026-06-01T00:00:00Z"))
        var harness = SimulationHarness(plans: [paused, windowed], until: "2026-12-31T00:00:00Z")
        harness.send(events.enrolled("m-1", at: "2026-01-05T10:00:00+08:00", birthday: "1990-03-12"))
        harness.finish()
        #expect(harness.couponJobs.isEmpty)
        let reasons = Dictionary(uniqueKeysWithValues: harness.decisions.map { ($0.string("plan.id")!, $0.string("reason")!) })
        #expect(reasons == ["paused": "paused", "windowed": "window"])
    }

    @Test mutating func draftPlansRecordNothing() {
        var draft = PlanFactory.birthday()
        draft.status = .draft
        var harness = SimulationHarness(plans: [draft], until: "2026-12-31T00:00:00Z")
        harness.send(events.enrolled("m-1", at: "2026-01-05T10:00:00+08:00", birthday: "1990-03-12"))
        harness.finish()
        #expect(harness.records.isEmpty)
    }

    @Test mutating func holdoutFollowsTheContractHash() {
        var plan = PlanFactory.birthday()
        plan.holdoutBasisPoints = 5_000
        var harness = SimulationHarness(plans: [plan], until: "2026-12-31T00:00:00Z")
        let members = (1...200).map { "m-\($0)" }
        for member in members { harness.send(events.enrolled(member, at: "2026-01-05T10:00:00+08:00", birthday: "1990-03-12")) }
        harness.finish()
        let heldOut = Set(harness.decisions.filter { $0.string("reason") == "holdout" }.map { $0.string("memberId")! })
        var expected = Set<String>()
        for member in members {
            // FNV-1a-64 over plan id, a zero byte and member id, spelled out independently of the engine.
            var hash: UInt64 = 0xcbf2_9ce4_8422_2325
            for byte in Array("birthday-gold".utf8) + [0] + Array(member.utf8) {
                hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3
            }
            if hash % 10_000 < 5_000 { expected.insert(member) }
        }
        #expect(heldOut == expected)
        #expect(heldOut.count > 60 && heldOut.count < 140)
        #expect(harness.couponJobs.count == 200 - heldOut.count)
    }

    @Test mutating func maxLatenessSkipsWhatIsTooOldAfterDowntime() throws {
        var store = PartitionStore()
        var out: [OutputRecord] = []
        let engine = Engine(programme: Programme(maxLateness: ISODuration("PT6H")), plans: [PlanFactory.birthday()])
        for (member, birthday) in [("m-soon", "1990-03-12"), ("m-old", "1990-03-11")] {
            let line = events.enrolled(member, at: "2026-01-05T10:00:00+08:00", birthday: birthday)
            store.apply(try EventDecoder().decode(key: nil, value: Array(line.utf8)).get(), now: Instant.at("2026-01-05T02:00:00Z"), engine: engine, into: &out)
        }
        // The worker comes back at 2026-03-12 06:00Z: m-soon's 01:00Z birthday is 5 h old, m-old's is 29 h old.
        store.fireDue(now: Instant.at("2026-03-12T06:00:00Z"), engine: engine, into: &out)
        let coupons = out.filter { $0.role == .couponJobs }.map { String(decoding: $0.key!, as: UTF8.self) }
        #expect(coupons == ["m-soon"])
        let late = try out.filter { $0.role == .decisions }.map { try JSONParser.parse($0.value!).objectValue! }.filter { $0.string("reason") == "late" }
        #expect(late.map { $0.string("memberId")! } == ["m-old"])
        #expect(late.first?.string("createdAt") == "2026-03-12T06:00:00Z")
    }

    @Test mutating func erasedMembersFireNothing() {
        var harness = SimulationHarness(plans: [PlanFactory.birthday()], until: "2026-12-31T00:00:00Z")
        harness.send(
            events.enrolled("m-1", at: "2026-01-05T10:00:00+08:00", birthday: "1990-03-12"),
            events.event("member.erased", "m-1", at: "2026-02-01T10:00:00+08:00"))
        harness.finish()
        #expect(harness.records.isEmpty)
        #expect(harness.store.memberCount == 0)
    }

    @Test mutating func jobsCarryHeadersAndNoContactData() throws {
        var harness = SimulationHarness(plans: [PlanFactory.birthday()], until: "2026-12-31T00:00:00Z")
        let enrol = events.event("member.enrolled", "m-1", at: "2026-01-05T10:00:00+08:00", data: #"{"birthday":"1990-03-12","phone":"+86 138 0000 0000","email":"a@example.com","consents":{"wechat":true}}"#)
        harness.send(enrol)
        harness.finish()
        let coupon = try #require(harness.records.first { $0.role == .couponJobs })
        #expect(coupon.header("content-type") == "application/json")
        #expect(coupon.header("plan-id") == "birthday-gold")
        #expect(coupon.header("job-id") == JobID.make(planID: "birthday-gold", memberID: "m-1", occurrence: "2026", actionIndex: 0))
        #expect(coupon.key == Array("m-1".utf8))
        let decision = try #require(harness.records.first { $0.role == .decisions })
        #expect(decision.header("job-id") == nil)
        for record in harness.records {
            let text = String(decoding: record.value!, as: UTF8.self)
            #expect(!text.contains("138") && !text.contains("example.com"))
        }
    }
}

@Suite struct NotificationCapTests {
    var events = EventFactory()

    @Test mutating func aCapCountsNotificationsAcrossPlansAndSparesTransactionalOnes() {
        let notify = #"[{"type":"notify","channels":["sms"],"template":"t"}]"#
        let plans = [
            PlanFactory.plan(#"{"id":"a-birthday","trigger":{"type":"birthday","at":"09:00"},"actions":\#(notify)}"#),
            PlanFactory.plan(#"{"id":"b-birthday","trigger":{"type":"birthday","at":"10:00"},"actions":\#(notify)}"#),
            PlanFactory.plan(#"{"id":"c-birthday","trigger":{"type":"birthday","at":"11:00"},"actions":\#(notify)}"#),
            PlanFactory.plan(#"{"id":"d-receipt","category":"transactional","trigger":{"type":"birthday","at":"12:00"},"actions":\#(notify)}"#),
        ]
        let programme = Programme(caps: [NotificationCap(channel: nil, count: 2, within: ISODuration("P7D")!)])
        var harness = SimulationHarness(plans: plans, programme: programme, until: "2026-12-31T00:00:00Z")
        harness.send(events.enrolled("m-1", at: "2026-01-05T10:00:00+08:00", birthday: "1990-03-12", consents: #"{"sms":true}"#))
        harness.finish()
        #expect(harness.notificationJobs.map { $0.string("plan.id")! } == ["a-birthday", "b-birthday", "d-receipt"])
        let capped = harness.decisions.filter { $0.string("reason") == "capped" }
        #expect(capped.map { $0.string("plan.id")! } == ["c-birthday"])
    }
}
