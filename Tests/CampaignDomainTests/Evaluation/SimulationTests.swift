import CampaignDomain
import TestSupport
import Testing

@Suite struct SimulationTests {
    static func lines() -> [String] {
        var events = EventFactory()
        return [
            events.enrolled("m-1", at: "2026-01-05T10:00:00+08:00", birthday: "1990-03-12"),
            "this is not json",
            events.event("cart.abandoned", "m-1", at: "2026-09-01T10:00:00+08:00"),
            events.enrolled("m-2", at: "2026-01-06T10:00:00+08:00", birthday: "1991-07-01", timezone: "America/New_York"),
            events.event("order.completed", "m-2", at: "2026-02-01T10:00:00+08:00", data: #"{"orderId":"o","amount":"10","pointsEarned":300}"#),
        ]
    }

    static func run() -> [[UInt8]] {
        let plans = [
            PlanFactory.birthday(),
            DormancyTriggerTests.winBack,
            PointsExpiringTriggerTests.reminder,
        ]
        var harness = SimulationHarness(plans: plans, until: "2027-12-31T00:00:00Z")
        for line in lines() { harness.send(line) }
        harness.finish()
        return harness.records.map { OutputLine.encode($0, topic: $0.role.rawValue) }
    }

    @Test func isDeterministicByteForByte() {
        let first = Self.run()
        #expect(!first.isEmpty)
        #expect(first == Self.run())
    }

    @Test func deadLettersKeepTheOriginalLineAndSayWhere() throws {
        var harness = SimulationHarness(plans: [])
        harness.send("{}", "not json")
        let dead = harness.deadLetters
        #expect(dead.count == 2)
        #expect(dead[1].value == Array("not json".utf8))
        #expect(dead[1].header("dlq-reason") == "invalid-json")
        #expect(dead[1].header("dlq-offset") == "2")
        #expect(dead[0].header("dlq-reason") == "not-cloudevent")
        let line = try JSONParser.parse(OutputLine.encode(dead[1], topic: "member-activity.dlq")).objectValue!
        #expect(line.string("value") == "not json")
        #expect(line.string("headers.dlq-topic") == "events.jsonl")
    }

    @Test func ignoredAndDuplicateRecordsDoNotMoveTheClock() {
        var events = EventFactory()
        var harness = SimulationHarness(plans: [])
        let enrol = events.enrolled("m-1", at: "2026-01-05T10:00:00Z")
        harness.send(enrol, events.event("cart.abandoned", "m-1", at: "2026-09-01T10:00:00Z"), enrol)
        #expect(harness.simulation.clock == Instant.at("2026-01-05T10:00:00Z"))
        #expect(harness.simulation.statistics.duplicates == 1)
        #expect(harness.simulation.statistics.ignoredUnknownType == 1)
    }

    @Test func fromStartsTheClockSoOlderHistoryFiresNothing() {
        var events = EventFactory()
        var harness = SimulationHarness(plans: [PlanFactory.birthday()], from: "2026-06-01T00:00:00Z", until: "2027-06-01T00:00:00Z")
        harness.send(events.enrolled("m-1", at: "2026-01-05T10:00:00+08:00", birthday: "1990-03-12"))
        harness.finish()
        #expect(harness.couponJobs.map { $0.string("trigger.occurrence")! } == ["2027"])
    }
}
