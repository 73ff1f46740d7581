import CampaignDomain
import TestSupport
import Testing

@Suite struct DeliveryRuleTests {
    var events = EventFactory()

    static func quietBirthday(at time: String) -> Plan {
        PlanFactory.birthday(trigger: #"{"type":"birthday","at":"\#(time)"}"#, extra: #","schedule":{"quietHours":{"from":"21:00","to":"09:00"}}"#)
    }

    @Test mutating func quietHoursSpanningMidnightHoldNotificationsInEachZone() throws {
        var harness = SimulationHarness(plans: [Self.quietBirthday(at: "22:30")], until: "2026-12-31T00:00:00Z")
        harness.send(
            events.enrolled("m-sh", at: "2026-01-05T10:00:00+08:00", birthday: "1990-03-12", timezone: "Asia/Shanghai"),
            events.enrolled("m-ny", at: "2026-01-05T10:00:00+08:00", birthday: "1990-03-12", timezone: "America/New_York"))
        harness.finish()
        let byMember = Dictionary(uniqueKeysWithValues: harness.notificationJobs.map { ($0.string("memberId")!, $0) })
        let sh = try #require(byMember["m-sh"])
        // Fired 22:30 Shanghai, held until 09:00 the next morning; firedAt stays the original instant.
        #expect(sh.string("trigger.firedAt") == "2026-03-12T14:30:00Z")
        #expect(sh.string("sendAfter") == "2026-03-13T01:00:00Z")
        #expect(sh.string("createdAt") == "2026-03-13T01:00:00Z")
        let ny = try #require(byMember["m-ny"])
        #expect(ny.string("trigger.firedAt") == "2026-03-13T02:30:00Z")
        #expect(ny.string("sendAfter") == "2026-03-13T13:00:00Z")
        // Coupons are never held.
        let coupon = try #require(harness.couponJobs.first { $0.string("memberId") == "m-sh" })
        #expect(coupon.string("createdAt") == "2026-03-12T14:30:00Z")
        // The decision is written at fire time and lists the held job by id.
        let decision = try #require(harness.decisions.first { $0.string("memberId") == "m-sh" })
        #expect(decision.string("createdAt") == "2026-03-12T14:30:00Z")
        #expect(decision.value("jobIds")?.arrayValue?.contains(.string(sh.string("jobId")!)) == true)
    }

    @Test mutating func quietHoursBeforeMidnightAndOutsideThem() {
        var harness = SimulationHarness(plans: [Self.quietBirthday(at: "06:00"), Self.quietBirthday(at: "12:00").renamed("noon")], until: "2026-12-31T00:00:00Z")
        harness.send(events.enrolled("m-1", at: "2026-01-05T10:00:00+08:00", birthday: "1990-03-12"))
        harness.finish()
        let sendAfter = Dictionary(uniqueKeysWithValues: harness.notificationJobs.map { ($0.string("plan.id")!, $0.string("sendAfter")!) })
        #expect(sendAfter["birthday-gold"] == "2026-03-12T01:00:00Z")  // 06:00 is quiet: held to 09:00 the same day
        #expect(sendAfter["noon"] == "2026-03-12T04:00:00Z")  // 12:00 is not quiet
    }

    @Test mutating func heldJobsAreForgottenOnErasure() {
        var harness = SimulationHarness(plans: [Self.quietBirthday(at: "22:30")], until: "2026-12-31T00:00:00Z")
        harness.send(
            events.enrolled("m-1", at: "2026-01-05T10:00:00+08:00", birthday: "1990-03-12"),
            events.event("member.erased", "m-1", at: "2026-03-12T23:00:00+08:00"))
        harness.finish()
        #expect(harness.couponJobs.count == 1)
        #expect(harness.notificationJobs.isEmpty)
    }

    @Test mutating func budgetIsNeverExceededAndStopsAtTheExactCount() {
        let plan = PlanFactory.birthday(extra: #","limits":{"totalCoupons":3}"#)
        var harness = SimulationHarness(plans: [plan], until: "2026-12-31T00:00:00Z")
        for index in 1...5 { harness.send(events.enrolled("m-\(index)", at: "2026-01-05T10:00:00+08:00", birthday: "1990-03-1\(index)")) }
        harness.finish()
        #expect(harness.couponJobs.map { $0.string("memberId")! } == ["m-1", "m-2", "m-3"])
        #expect(harness.decisions.compactMap { $0.string("reason") } == ["budget", "budget"])
        // A budget-suppressed occurrence sends nothing at all, not even the notification.
        #expect(harness.notificationJobs.count == 3)
    }

    @Test func budgetSharesAddUpToTheTotalAcrossPartitions() {
        for (total, partitions) in [(10, 3), (3, 4), (50_000, 12), (0, 2)] {
            let shares = (0..<partitions).map { PartitionBudget(partition: $0, partitionCount: partitions).share(of: total) }
            #expect(shares.reduce(0, +) == total)
            #expect((shares.max() ?? 0) - (shares.min() ?? 0) <= 1)
        }
    }

    @Test func holdoutSplitIsNearThePercentageAndStable() {
        let members = (0..<100_000).map { "m-\($0)" }
        for basisPoints in [500, 1_250, 5_000] {
            let held = members.filter { Engine.isHeldOut(memberID: $0, planID: "holdout-test", basisPoints: basisPoints) }
            let share = Double(held.count) / Double(members.count) * 10_000
            #expect(abs(share - Double(basisPoints)) < 50, "\(basisPoints) bp gave \(share)")
            // The same members again: the split depends only on plan id and member id.
            #expect(held == members.filter { Engine.isHeldOut(memberID: $0, planID: "holdout-test", basisPoints: basisPoints) })
        }
        // Raising the percentage only adds members to the holdout.
        let five = Set(members.filter { Engine.isHeldOut(memberID: $0, planID: "p", basisPoints: 500) })
        let ten = Set(members.filter { Engine.isHeldOut(memberID: $0, planID: "p", basisPoints: 1_000) })
        #expect(five.isSubset(of: ten))
    }

    @Test mutating func aPausedPlanResumedFiresWhatComesAfterOnly() throws {
        var paused = PlanFactory.plan(#"{"id":"win-back","status":"paused","trigger":{"type":"dormancy","inactiveDays":[30,60]},"actions":[{"type":"coupon","template":"C","validDays":7}]}"#)
        var store = PartitionStore()
        var out: [OutputRecord] = []
        let enrol = try EventDecoder().decode(key: nil, value: Array(events.enrolled("m-1", at: "2026-01-01T08:00:00+08:00").utf8)).get()
        store.apply(enrol, now: Instant.at("2026-01-01T00:00:00Z"), engine: Engine(programme: Programme(), plans: [paused]), into: &out)
        store.fireDue(now: Instant.at("2026-01-31T02:00:00Z"), engine: Engine(programme: Programme(), plans: [paused]), into: &out)
        #expect(out.count == 1)
        #expect(try JSONParser.parse(out[0].value!).objectValue?.string("reason") == "paused")
        paused.status = .active
        paused.version = 2
        let resumed = Engine(programme: Programme(), plans: [paused])
        store.rescheduleAll(engine: resumed)
        store.fireDue(now: Instant.at("2026-03-02T02:00:00Z"), engine: resumed, into: &out)
        let coupons = try out.filter { $0.role == .couponJobs }.map { try JSONParser.parse($0.value!).objectValue! }
        #expect(coupons.map { $0.string("trigger.occurrence")! } == ["2026-01-01T00:00:00Z/60d"])
    }
}

extension Plan {
    /// The same plan under another id (tests use it to run two variants side by side).
    func renamed(_ id: String) -> Plan {
        var copy = self
        copy.id = id
        return copy
    }
}
