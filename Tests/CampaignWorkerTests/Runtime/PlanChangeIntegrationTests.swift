import CampaignDomain
import CampaignWorker
import Foundation
import Kafka
import TestSupport
import Testing

/// Plans changed while the worker runs, through the plan directory and through the plans topic.
@Suite(.serialized, .timeLimit(.minutes(2))) struct PlanChangeIntegrationTests {
    /// m-1 (birthday Mar 5) and m-2 (Mar 10) enrol; the clock moves to Mar 5 and m-1's coupon is produced.
    static func enrolTwoMembersAndFireTheFirstBirthday(_ harness: WorkerHarness, events: inout EventFactory) throws {
        try harness.produce([
            events.enrolled("m-1", at: "2026-03-01T08:00:00+08:00", birthday: "1990-03-05"),
            events.enrolled("m-2", at: "2026-03-01T08:00:00+08:00", birthday: "1990-03-10"),
        ])
        try harness.waitForConsumed(2)
        harness.clock.set(Instant.at("2026-03-05T02:00:00Z"))
        try harness.waitForProduced(.couponJobs, atLeast: 1)
    }

    static func birthday(version: Int, template: String, status: String = "active", at: String = "09:00") -> String {
        #"{"id":"birthday","version":\#(version),"status":"\#(status)","trigger":{"type":"birthday","at":"\#(at)"},"actions":[{"type":"coupon","template":"\#(template)","validDays":30}]}"#
    }

    func temporaryDirectory() throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("plans-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    @Test func directoryEditsApplyWithoutRestartAndInvalidOnesAreRejected() throws {
        let directory = try temporaryDirectory()
        try Self.birthday(version: 1, template: "BDAY-10").write(toFile: directory + "/birthday.json", atomically: true, encoding: .utf8)
        var events = EventFactory()
        let harness = try WorkerHarness(plans: [], start: Instant.at("2026-03-01T00:00:00Z"), partitions: 1) { config in
            config.plansPath = directory
            config.plansReloadIntervalMillis = 20
        }
        #expect(harness.worker.statistics.snapshot.activePlans == ["birthday@1"])
        try Self.enrolTwoMembersAndFireTheFirstBirthday(harness, events: &events)

        // Version 2 changes the template; the occurrence that already fired does not fire again.
        try Self.birthday(version: 2, template: "BDAY-20").write(toFile: directory + "/birthday.json", atomically: true, encoding: .utf8)
        try harness.waitUntil("version 2 runs", timeout: 10) { harness.worker.statistics.snapshot.activePlans == ["birthday@2"] }
        // An invalid version 3 is rejected and version 2 keeps running.
        try Self.birthday(version: 3, template: "BDAY-30", at: "9am").write(toFile: directory + "/birthday.json", atomically: true, encoding: .utf8)
        try harness.waitUntil("version 3 is rejected", timeout: 10) { harness.worker.statistics.snapshot.planRejections == 1 }
        #expect(harness.worker.statistics.snapshot.activePlans == ["birthday@2"])

        harness.clock.set(Instant.at("2026-03-10T02:00:00Z"))
        try harness.waitForProduced(.couponJobs, atLeast: 2)
        let coupons = try harness.readObjects("coupon-jobs", atLeast: 2)
        #expect(coupons.map { "\($0.string("memberId")!) \($0.string("coupon.template")!) v\($0.value("plan.version")!.intValue!)" }.sorted() == ["m-1 BDAY-10 v1", "m-2 BDAY-20 v2"])
    }

    @Test func plansTopicRecordsAndTombstonesApplyAsTheyArrive() throws {
        var events = EventFactory()
        let harness = try WorkerHarness(plans: [], start: Instant.at("2026-03-01T00:00:00Z"), partitions: 1) { config in
            config.topics.plans = "campaign-plans"
            config.plansReloadIntervalMillis = 20
        }
        try harness.publishPlan(id: "birthday", json: Self.birthday(version: 1, template: "BDAY-10"))
        // A second plan firing at the same times shows when the worker has evaluated each birthday.
        try harness.publishPlan(id: "sentinel", json: #"{"id":"sentinel","trigger":{"type":"birthday","at":"09:00"},"actions":[{"type":"notify","channels":["sms"],"template":"s"}]}"#)
        try harness.waitUntil("the topic plans run", timeout: 10) { harness.worker.statistics.snapshot.activePlans == ["birthday@1", "sentinel@1"] }
        try Self.enrolTwoMembersAndFireTheFirstBirthday(harness, events: &events)
        // A record whose key differs from the plan id is rejected; a tombstone deletes the plan.
        try harness.publishPlan(id: "other", json: Self.birthday(version: 2, template: "X"))
        try harness.publishPlan(id: "birthday", json: nil)
        try harness.waitUntil("the plan is deleted", timeout: 10) { harness.worker.statistics.snapshot.activePlans == ["sentinel@1"] }
        #expect(harness.worker.statistics.snapshot.planRejections == 1)
        harness.clock.set(Instant.at("2026-03-10T02:00:00Z"))
        // Once m-2's birthday was evaluated (the sentinel fired), the deleted plan has given nothing.
        try harness.waitForProduced(.notificationJobs, atLeast: 2)
        #expect(harness.worker.statistics.snapshot.produced[.couponJobs] == 1)
    }

    @Test func decisionsRecordFiredAndSuppressedOccurrences() throws {
        var events = EventFactory()
        let plans = [
            PlanFactory.birthday(audience: #"{"field":"tier","in":["gold"]}"#),
            PlanFactory.plan(#"{"id":"greeting","trigger":{"type":"birthday"},"actions":[{"type":"notify","channels":["email"],"template":"t"}]}"#),
        ]
        let harness = try WorkerHarness(plans: plans, start: Instant.at("2026-03-01T00:00:00Z"), partitions: 1)
        try harness.produce([
            events.enrolled("m-gold", at: "2026-03-01T08:00:00+08:00", tier: "gold", birthday: "1990-03-05"),
            events.enrolled("m-silver", at: "2026-03-01T08:00:00+08:00", tier: "silver", birthday: "1990-03-05"),
        ])
        try harness.waitForConsumed(2)
        harness.clock.set(Instant.at("2026-03-05T02:00:00Z"))
        let decisions = try harness.readObjects("campaign-decisions", atLeast: 4)
        let summary = decisions.map { "\($0.string("plan.id")!) \($0.string("memberId")!) \($0.string("outcome")!) \($0.string("reason") ?? "-")" }.sorted()
        #expect(summary == [
            "birthday-gold m-gold fired -",
            "birthday-gold m-silver suppressed audience",
            "greeting m-gold suppressed no-consent",
            "greeting m-silver suppressed no-consent",
        ])
        let fired = try #require(decisions.first { $0.string("outcome") == "fired" })
        #expect(fired.value("jobIds")?.arrayValue?.count == 2)
        #expect(fired.string("trigger.occurrence") == "2026")
        for record in try harness.read("campaign-decisions", partitions: 1, atLeast: 4) {
            #expect(!record.headers.contains { $0.key == "job-id" })
        }
    }
}
