import CampaignDomain
import TestSupport
import Testing

@Suite struct ScheduledTriggerTests {
    var events = EventFactory()
    static let notify = #"[{"type":"notify","channels":["sms","wechat"],"template":"t"}]"#

    func plan(_ id: String, _ trigger: String, audience: String? = nil) -> Plan {
        PlanFactory.plan(#"{"id":"\#(id)","trigger":\#(trigger),"# + (audience.map { #""audience":\#($0),"# } ?? "") + #""actions":\#(Self.notify)}"#)
    }

    @Test mutating func anniversariesStartAtYearOne() {
        var harness = SimulationHarness(plans: [plan("anniversary", #"{"type":"anniversary","years":[1,3],"at":"10:00"}"#)], until: "2030-01-01T00:00:00Z")
        harness.send(events.enrolled("m-1", at: "2024-02-29T12:00:00+08:00"))
        harness.finish()
        // A leap-day enrolment falls on Feb 28 in common years.
        #expect(harness.notificationJobs.map { $0.string("trigger.firedAt")! } == ["2025-02-28T02:00:00Z", "2027-02-28T02:00:00Z"])
        #expect(harness.notificationJobs.map { $0.string("trigger.occurrence")! } == ["2025", "2027"])
        #expect(harness.notificationJobs.first?.string("notification.params.years") == "1")
    }

    @Test mutating func welcomeFiresOnceAfterTheDelay() {
        var harness = SimulationHarness(plans: [
            plan("welcome-now", #"{"type":"enrolled","delay":"PT0S"}"#),
            plan("welcome-later", #"{"type":"enrolled","delay":"P3D"}"#),
        ], until: "2026-12-31T00:00:00Z")
        harness.send(events.enrolled("m-ny", at: "2026-03-06T20:00:00-05:00", timezone: "America/New_York"))
        harness.finish()
        let fired = Dictionary(uniqueKeysWithValues: harness.notificationJobs.map { ($0.string("plan.id")!, $0.string("trigger.firedAt")!) })
        #expect(fired["welcome-now"] == "2026-03-07T01:00:00Z")
        // Three New York days later, across the switch to daylight time: 20:00 EDT.
        #expect(fired["welcome-later"] == "2026-03-10T00:00:00Z")
        #expect(harness.notificationJobs.allSatisfy { $0.string("trigger.occurrence") == "once" })
    }

    @Test mutating func monthlyRecurringFiresAtEachMembersLocalTime() {
        let statement = plan("statement", #"{"type":"recurring","every":"month","on":1,"at":"10:00"}"#, audience: #"{"field":"pointsBalance","gt":0}"#)
        var harness = SimulationHarness(plans: [statement], until: "2026-04-15T00:00:00Z")
        harness.send(
            events.enrolled("m-sh", at: "2026-01-15T10:00:00+08:00", timezone: "Asia/Shanghai"),
            events.event("points.earned", "m-sh", at: "2026-01-15T10:00:00+08:00", data: #"{"amount":1200}"#),
            events.enrolled("m-ny", at: "2026-01-15T10:00:00+08:00", timezone: "America/New_York"),
            events.event("points.earned", "m-ny", at: "2026-01-15T10:00:00+08:00", data: #"{"amount":300}"#),
            // No points: outside the audience, so no decision at all.
            events.enrolled("m-none", at: "2026-01-15T10:00:00+08:00"),
            // Enrols after the March statement went out in Shanghai: first statement in April.
            events.enrolled("m-late", at: "2026-03-01T11:00:00+08:00"),
            events.event("points.earned", "m-late", at: "2026-03-01T11:00:00+08:00", data: #"{"amount":5}"#))
        harness.finish()
        let fired = harness.notificationJobs.map { "\($0.string("memberId")!) \($0.string("trigger.occurrence")!) \($0.string("trigger.firedAt")!)" }
        #expect(fired == [
            "m-sh 2026-02-01 2026-02-01T02:00:00Z",
            "m-ny 2026-02-01 2026-02-01T15:00:00Z",
            "m-sh 2026-03-01 2026-03-01T02:00:00Z",
            "m-ny 2026-03-01 2026-03-01T15:00:00Z",
            "m-late 2026-04-01 2026-04-01T02:00:00Z",
            "m-sh 2026-04-01 2026-04-01T02:00:00Z",
            "m-ny 2026-04-01 2026-04-01T14:00:00Z",
        ])
        #expect(!harness.decisions.contains { $0.string("memberId") == "m-none" })
        #expect(harness.notificationJobs.first?.string("notification.params.pointsBalance") == "1200")
    }

    @Test mutating func recurringDaysClampAndZoneChangesDoNotRepeatADate() {
        let monthEnd = plan("month-end", #"{"type":"recurring","every":"month","on":31,"at":"09:00"}"#)
        var harness = SimulationHarness(plans: [monthEnd], until: "2026-04-01T00:00:00Z")
        harness.send(
            events.enrolled("m-1", at: "2026-01-15T10:00:00+08:00"),
            // Just after the Feb 28 statement in Shanghai, move to New York, where it is still Feb 27 evening.
            events.event("member.updated", "m-1", at: "2026-02-28T09:30:00+08:00", data: #"{"timezone":"America/New_York"}"#))
        harness.finish()
        #expect(harness.notificationJobs.map { $0.string("trigger.occurrence")! } == ["2026-01-31", "2026-02-28", "2026-03-31"])
    }

    /// A sweep visits a zone's members in id order, remembered from the sweep before: members who enrolled, were
    /// erased or changed zone in between must be visited (or not) all the same.
    @Test mutating func weeklySweepsFollowMembersWhoCameLeftOrMoved() {
        let friday = plan("friday", #"{"type":"recurring","every":"week","on":"friday","at":"10:00"}"#)
        var harness = SimulationHarness(plans: [friday], until: "2026-12-19T00:00:00Z")
        harness.send(
            events.enrolled("m-2", at: "2026-12-01T09:00:00+08:00", timezone: "Asia/Shanghai"),
            events.enrolled("m-4", at: "2026-12-01T09:00:00+08:00", timezone: "Asia/Shanghai"),
            events.enrolled("m-3", at: "2026-12-01T09:00:00+08:00", timezone: "America/New_York"),
            // After the first Friday's sweeps in both zones.
            events.enrolled("m-1", at: "2026-12-05T09:00:00+08:00", timezone: "Asia/Shanghai"),
            events.event("member.erased", "m-4", at: "2026-12-05T09:00:00+08:00"),
            events.event("member.updated", "m-3", at: "2026-12-05T09:00:00+08:00", data: #"{"timezone":"Asia/Shanghai"}"#),
            // After the second: a move alone, with no member coming or going.
            events.event("member.updated", "m-2", at: "2026-12-12T09:00:00+08:00", data: #"{"timezone":"America/New_York"}"#))
        harness.finish()
        let fired = harness.notificationJobs.map { "\($0.string("trigger.firedAt")!) \($0.string("memberId")!)" }
        #expect(fired == [
            "2026-12-04T02:00:00Z m-2", "2026-12-04T02:00:00Z m-4", "2026-12-04T15:00:00Z m-3",
            "2026-12-11T02:00:00Z m-1", "2026-12-11T02:00:00Z m-2", "2026-12-11T02:00:00Z m-3",
            "2026-12-18T02:00:00Z m-1", "2026-12-18T02:00:00Z m-3", "2026-12-18T15:00:00Z m-2",
        ])
    }

    @Test func weeklyAndYearlyDates() {
        let friday = RecurringTrigger(every: .week(weekday: 5))
        #expect(friday.firstDate(onOrAfter: LocalDate(year: 2026, month: 11, day: 25)) == LocalDate(year: 2026, month: 11, day: 27))
        let leap = RecurringTrigger(every: .year(month: 2, day: 29))
        #expect(leap.firstDate(onOrAfter: LocalDate(year: 2026, month: 3, day: 1)) == LocalDate(year: 2027, month: 2, day: 28))
        #expect(leap.firstDate(onOrAfter: LocalDate(year: 2027, month: 3, day: 1)) == LocalDate(year: 2028, month: 2, day: 29))
    }
}
