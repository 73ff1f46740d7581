import CampaignDomain
import TestSupport
import Testing

@Suite struct PointsExpiringTriggerTests {
    var events = EventFactory()
    static let reminder = PlanFactory.plan(#"{"id":"points-expiring","version":2,"trigger":{"type":"pointsExpiring","withinDays":[30,7],"minPoints":100,"at":"10:00"},"actions":[{"type":"notify","channels":["wechat"],"template":"points-expiring"}]}"#)

    @Test mutating func remindsThirtyAndSevenDaysBeforeTheProgrammeExpiry() throws {
        var harness = SimulationHarness(plans: [Self.reminder], until: "2027-01-31T00:00:00Z")
        harness.send(
            events.enrolled("m-1", at: "2025-05-01T10:00:00+08:00"),
            // Earned in 2025 with the default endOfYearAfter 1: gone at 2027-01-01 00:00 Shanghai.
            events.event("points.earned", "m-1", at: "2025-06-01T10:00:00+08:00", data: #"{"amount":500}"#))
        harness.finish()
        let jobs = harness.notificationJobs
        #expect(jobs.map { $0.string("trigger.firedAt")! } == ["2026-12-02T02:00:00Z", "2026-12-25T02:00:00Z"])
        #expect(jobs.map { $0.string("trigger.occurrence")! } == ["2026-12-31T16:00:00Z/30d", "2026-12-31T16:00:00Z/7d"])
        let first = try #require(jobs.first)
        #expect(first.string("notification.params.pointsExpiring") == "500")
        #expect(first.string("notification.params.expiresAt") == "2026-12-31T16:00:00Z")
    }

    @Test mutating func checksMinPointsAtFireTime() {
        var harness = SimulationHarness(plans: [Self.reminder], until: "2027-01-31T00:00:00Z")
        harness.send(
            events.enrolled("m-1", at: "2025-05-01T10:00:00+08:00"),
            events.event("points.earned", "m-1", at: "2025-06-01T10:00:00+08:00", data: #"{"amount":500}"#),
            events.event("points.earned", "m-1", at: "2026-06-01T10:00:00+08:00", data: #"{"amount":900}"#),
            // Redemption takes the soonest-expiring points first: only 50 of the 2025 points are left.
            events.event("points.redeemed", "m-1", at: "2026-12-10T10:00:00+08:00", data: #"{"amount":450}"#))
        harness.finish()
        #expect(harness.notificationJobs.map { $0.string("trigger.occurrence")! } == ["2026-12-31T16:00:00Z/30d"])
        // The 7-day step did not happen, so it records no decision either.
        #expect(harness.decisions.count == 1)
    }

    @Test mutating func aBucketArrivingInsideItsWindowIsNotRemindedLate() {
        var harness = SimulationHarness(plans: [Self.reminder], until: "2026-12-31T00:00:00Z")
        harness.send(
            events.enrolled("m-1", at: "2026-01-01T10:00:00+08:00"),
            events.event("points.earned", "m-1", at: "2026-12-01T10:00:00+08:00", data: #"{"amount":300,"expiresAt":"2026-12-20T00:00:00+08:00"}"#))
        harness.finish()
        // The 30-day reminder was due on 2026-11-20, before the points arrived; the 7-day one (12-13) fires.
        #expect(harness.notificationJobs.map { $0.string("trigger.occurrence")! } == ["2026-12-19T16:00:00Z/7d"])
    }
}
