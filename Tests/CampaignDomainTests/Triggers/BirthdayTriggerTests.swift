import CampaignDomain
import TestSupport
import Testing

@Suite struct BirthdayTriggerTests {
    var events = EventFactory()

    @Test mutating func firesAtLocalTimeWithOffsetInShanghai() throws {
        var harness = SimulationHarness(plans: [PlanFactory.birthday(trigger: #"{"type":"birthday","offsetDays":-3,"at":"09:00"}"#)], until: "2026-12-31T00:00:00Z")
        harness.send(events.enrolled("m-1001", at: "2026-01-05T10:00:00+08:00", birthday: "1990-03-12"))
        harness.finish()
        let coupon = try #require(harness.couponJobs.first)
        #expect(harness.couponJobs.count == 1)
        #expect(coupon.string("trigger.firedAt") == "2026-03-09T01:00:00Z")
        #expect(coupon.string("trigger.occurrence") == "2026")
        #expect(coupon.string("coupon.validFrom") == "2026-03-09T01:00:00Z")
        #expect(coupon.string("coupon.validUntil") == "2026-04-08T01:00:00Z")
        #expect(coupon.string("createdAt") == "2026-03-09T01:00:00Z")
        let notification = try #require(harness.notificationJobs.first)
        #expect(notification.string("notification.channel") == "wechat")
        #expect(notification.string("notification.params.couponTemplate") == "BDAY-50")
        #expect(notification.string("sendAfter") == "2026-03-09T01:00:00Z")
    }

    @Test mutating func firesInTheMembersOwnZoneIncludingDST() {
        var harness = SimulationHarness(plans: [PlanFactory.birthday(trigger: #"{"type":"birthday","at":"02:30"}"#)], until: "2026-12-31T00:00:00Z")
        harness.send(
            events.enrolled("m-ny", at: "2026-01-05T10:00:00Z", birthday: "1985-03-08", timezone: "America/New_York"),
            events.enrolled("m-ny2", at: "2026-01-05T10:00:00Z", birthday: "1985-11-01", timezone: "America/New_York"),
            events.enrolled("m-sh", at: "2026-01-05T10:00:00Z", birthday: "1985-03-08", timezone: "Asia/Shanghai"))
        harness.finish()
        let fired = Dictionary(uniqueKeysWithValues: harness.couponJobs.map { ($0.string("memberId")!, $0.string("trigger.firedAt")!) })
        // 02:30 does not exist on 2026-03-08 in New York: shifted forward by the gap to 03:30 EDT.
        #expect(fired["m-ny"] == "2026-03-08T07:30:00Z")
        // 02:30 on 2026-11-01 exists once: clocks went back from 02:00 EDT to 01:00 EST, so it is 02:30 EST.
        #expect(fired["m-ny2"] == "2026-11-01T07:30:00Z")
        #expect(fired["m-sh"] == "2026-03-07T18:30:00Z")
    }

    @Test mutating func ambiguousLocalTimeFiresAtTheEarlierInstant() {
        var harness = SimulationHarness(plans: [PlanFactory.birthday(trigger: #"{"type":"birthday","at":"01:30"}"#)], until: "2026-12-31T00:00:00Z")
        harness.send(events.enrolled("m-ny", at: "2026-01-05T10:00:00Z", birthday: "1985-11-01", timezone: "America/New_York"))
        harness.finish()
        #expect(harness.couponJobs.map { $0.string("trigger.firedAt") } == ["2026-11-01T05:30:00Z"])
    }

    @Test(arguments: [("feb28", "2026-02-28T01:00:00Z"), ("mar1", "2026-03-01T01:00:00Z")])
    mutating func leapDayBirthdaysInCommonYears(rule: String, expected: String) {
        var harness = SimulationHarness(plans: [PlanFactory.birthday(trigger: #"{"type":"birthday","at":"09:00","leapDay":"\#(rule)"}"#)], until: "2028-12-31T00:00:00Z")
        harness.send(events.enrolled("m-leap", at: "2026-01-05T10:00:00+08:00", birthday: "2000-02-29"))
        harness.finish()
        let fired = harness.couponJobs.map { $0.string("trigger.firedAt")! }
        #expect(fired.first == expected)
        #expect(fired.last == "2028-02-29T01:00:00Z")
        #expect(harness.couponJobs.map { $0.string("trigger.occurrence")! } == ["2026", "2027", "2028"])
    }

    @Test mutating func leapDayRuleAppliesBeforeTheOffset() {
        var harness = SimulationHarness(plans: [PlanFactory.birthday(trigger: #"{"type":"birthday","offsetDays":-1,"at":"09:00","leapDay":"mar1"}"#)], until: "2026-12-31T00:00:00Z")
        harness.send(events.enrolled("m-leap", at: "2026-01-05T10:00:00+08:00", birthday: "--02-29"))
        harness.finish()
        #expect(harness.couponJobs.map { $0.string("trigger.firedAt") } == ["2026-02-28T01:00:00Z"])
    }

    @Test mutating func lateJoinersAreNotFiredLateButOnTimeOnesAre() {
        var harness = SimulationHarness(plans: [PlanFactory.birthday(trigger: #"{"type":"birthday","offsetDays":-3,"at":"09:00"}"#)], until: "2027-12-31T00:00:00Z")
        harness.send(
            // Enrols exactly at the fire time: known at its fire time, so it fires.
            events.enrolled("m-exact", at: "2026-03-09T09:00:00+08:00", birthday: "1990-03-12"),
            // Enrols an hour after this year's fire time: 2026 is skipped, 2027 fires.
            events.enrolled("m-late", at: "2026-03-09T10:00:00+08:00", birthday: "1990-03-12"))
        harness.finish()
        let byMember = Dictionary(grouping: harness.couponJobs, by: { $0.string("memberId")! })
        #expect(byMember["m-late"]?.map { $0.string("trigger.occurrence")! } == ["2027"])
        #expect(byMember["m-exact"]?.map { $0.string("trigger.occurrence")! } == ["2026", "2027"])
    }

    @Test mutating func changingBirthdayOrZoneAfterFiringNeverFiresTheYearAgain() {
        var harness = SimulationHarness(plans: [PlanFactory.birthday()], until: "2026-12-31T00:00:00Z")
        harness.send(
            events.enrolled("m-1", at: "2026-01-05T10:00:00+08:00", birthday: "1990-03-12"),
            events.event("member.updated", "m-1", at: "2026-04-01T10:00:00+08:00", data: #"{"birthday":"1990-10-01"}"#),
            events.event("member.updated", "m-1", at: "2026-04-02T10:00:00+08:00", data: #"{"timezone":"America/Los_Angeles"}"#))
        harness.finish()
        #expect(harness.couponJobs.count == 1)
        #expect(harness.couponJobs.first?.string("trigger.firedAt") == "2026-03-12T01:00:00Z")
    }

    @Test mutating func aBirthdaySetLaterStillFiresWhenItIsAhead() {
        var harness = SimulationHarness(plans: [PlanFactory.birthday()], until: "2026-12-31T00:00:00Z")
        harness.send(
            events.enrolled("m-1", at: "2026-01-05T10:00:00+08:00"),
            events.event("member.updated", "m-1", at: "2026-04-01T10:00:00+08:00", data: #"{"birthday":"--10-01"}"#))
        harness.finish()
        #expect(harness.couponJobs.map { $0.string("trigger.firedAt") } == ["2026-10-01T01:00:00Z"])
    }

    @Test mutating func aPlanVersionChangeDoesNotRefire() throws {
        let v3 = PlanFactory.birthday(trigger: #"{"type":"birthday","offsetDays":-3,"at":"09:00"}"#)
        var v4 = PlanFactory.birthday(trigger: #"{"type":"birthday","offsetDays":0,"at":"10:00"}"#)
        v4.version = 4
        var store = PartitionStore()
        var out: [OutputRecord] = []
        let first = Engine(programme: Programme(), plans: [v3])
        let enrol = try EventDecoder().decode(key: nil, value: Array(events.enrolled("m-1", at: "2026-01-05T10:00:00+08:00", birthday: "1990-03-12").utf8)).get()
        store.apply(enrol, now: Instant.at("2026-01-05T02:00:00Z"), engine: first, into: &out)
        store.fireDue(now: Instant.at("2026-03-09T01:30:00Z"), engine: first, into: &out)
        #expect(out.filter { $0.role == .couponJobs }.count == 1)
        // Version 4 moves the gift to the birthday itself, 10:00: 2026 already fired under version 3.
        let second = Engine(programme: Programme(), plans: [v4])
        store.rescheduleAll(engine: second)
        store.fireDue(now: Instant.at("2026-03-12T02:30:00Z"), engine: second, into: &out)
        #expect(out.filter { $0.role == .couponJobs }.count == 1)
        #expect(store.member("m-1")?.nextDue == Instant.at("2027-03-12T02:00:00Z"))
        store.fireDue(now: Instant.at("2027-03-12T02:30:00Z"), engine: second, into: &out)
        let last = try #require(out.last { $0.role == .couponJobs })
        let job = try JSONParser.parse(last.value!).objectValue!
        #expect(job.string("trigger.occurrence") == "2027")
        #expect(job.value("plan.version") == .number("4"))
        #expect(job.string("trigger.firedAt") == "2027-03-12T02:00:00Z")
    }
}
