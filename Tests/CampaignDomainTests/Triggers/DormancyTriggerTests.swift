import CampaignDomain
import TestSupport
import Testing

@Suite struct DormancyTriggerTests {
    var events = EventFactory()
    static let winBack = PlanFactory.plan(#"{"id":"win-back","version":1,"trigger":{"type":"dormancy","inactiveDays":[30,60,90],"at":"10:00"},"actions":[{"type":"coupon","template":"COMEBACK-20","validDays":14},{"type":"notify","channels":["sms"],"template":"we-miss-you"}]}"#)

    @Test mutating func firesEachRungOfTheLadderAtTheNextAtTime() {
        var harness = SimulationHarness(plans: [Self.winBack], until: "2026-12-31T00:00:00Z")
        // Last activity at 15:00 local, after the 10:00 `at`: each rung fires the next morning.
        harness.send(events.enrolled("m-1", at: "2026-01-10T15:00:00+08:00"))
        harness.finish()
        #expect(harness.couponJobs.map { $0.string("trigger.firedAt")! } == ["2026-02-10T02:00:00Z", "2026-03-12T02:00:00Z", "2026-04-11T02:00:00Z"])
        #expect(harness.couponJobs.map { $0.string("trigger.occurrence")! } == ["2026-01-10T07:00:00Z/30d", "2026-01-10T07:00:00Z/60d", "2026-01-10T07:00:00Z/90d"])
        #expect(harness.notificationJobs.first?.string("notification.params.inactiveDays") == "30")
    }

    @Test mutating func activityAtExactlyAtFiresTheSameDay() {
        var harness = SimulationHarness(plans: [Self.winBack], until: "2026-02-28T00:00:00Z")
        harness.send(events.enrolled("m-1", at: "2026-01-10T10:00:00+08:00"))
        harness.finish()
        #expect(harness.couponJobs.map { $0.string("trigger.firedAt")! } == ["2026-02-09T02:00:00Z"])
    }

    @Test mutating func newActivityRestartsTheLadder() {
        var harness = SimulationHarness(plans: [Self.winBack], until: "2026-05-31T00:00:00Z")
        harness.send(
            events.enrolled("m-1", at: "2026-01-10T15:00:00+08:00"),
            events.event("order.completed", "m-1", at: "2026-03-01T12:00:00+08:00", data: #"{"orderId":"o-1","amount":"10"}"#),
            // Not member activity: points granted by the programme do not reset dormancy.
            events.event("points.earned", "m-1", at: "2026-03-20T12:00:00+08:00", data: #"{"amount":10}"#))
        harness.finish()
        #expect(harness.couponJobs.map { $0.string("trigger.occurrence")! } == ["2026-01-10T07:00:00Z/30d", "2026-03-01T04:00:00Z/30d", "2026-03-01T04:00:00Z/60d"])
    }

    @Test mutating func daysAreMemberLocalCalendarDaysAcrossDST() {
        let plan = PlanFactory.plan(#"{"id":"d","trigger":{"type":"dormancy","inactiveDays":30,"at":"09:00"},"actions":[{"type":"coupon","template":"C","validDays":1}]}"#)
        var harness = SimulationHarness(plans: [plan], until: "2026-04-30T00:00:00Z")
        harness.send(events.enrolled("m-ny", at: "2026-02-06T09:00:00-05:00", timezone: "America/New_York"))
        harness.finish()
        // 30 New York dates later is 2026-03-08, now on daylight time: 09:00 EDT.
        #expect(harness.couponJobs.map { $0.string("trigger.firedAt")! } == ["2026-03-08T13:00:00Z"])
    }
}
