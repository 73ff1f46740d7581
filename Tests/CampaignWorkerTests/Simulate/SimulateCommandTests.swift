import CampaignDomain
import CampaignWorker
import Foundation
import TestSupport
import Testing

@Suite struct SimulateCommandTests {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("simulate-\(UUID().uuidString)").path

    func run(events: String, until: String?) throws -> [UInt8] {
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        try events.write(toFile: folder + "/events.jsonl", atomically: true, encoding: .utf8)
        let plans = PlanLoader.load(path: WorkerConfigTests.repositoryRoot + "/examples/plans").plans
        let command = SimulateCommand(
            config: try WorkerConfig.load(path: WorkerConfigTests.repositoryRoot + "/examples/worker.json", environment: [:]),
            plans: plans, eventsPath: folder + "/events.jsonl", from: nil, until: until.map(Instant.at), outPath: folder + "/out.jsonl")
        _ = try command.run()
        return Array(FileManager.default.contents(atPath: folder + "/out.jsonl") ?? Data())
    }

    @Test func writesEveryRecordAsAJSONLineDeterministically() throws {
        let events = try String(contentsOfFile: WorkerConfigTests.repositoryRoot + "/examples/events.jsonl", encoding: .utf8)
        let first = try run(events: events, until: "2026-12-31T23:59:59+08:00")
        #expect(first == (try run(events: events, until: "2026-12-31T23:59:59+08:00")))
        let lines = String(decoding: first, as: UTF8.self).split(separator: "\n").map { try! JSONParser.parse(String($0)).objectValue! }
        let topics = Set(lines.map { $0.string("topic")! })
        #expect(topics == ["coupon-jobs", "notification-jobs", "campaign-decisions", "member-activity.dlq"])
        let dead = try #require(lines.first { $0.string("topic") == "member-activity.dlq" })
        #expect(dead.string("value") == "not a cloudevent")
        #expect(dead.string("headers.dlq-offset") == "6")
        let birthday = try #require(lines.first { $0.string("topic") == "coupon-jobs" && $0.string("value.plan.id") == "birthday-gold" })
        #expect(birthday.string("key") == "m-1001")
        #expect(birthday.string("value.trigger.firedAt") == "2026-03-09T01:00:00Z")
        #expect(birthday.string("headers.job-id") == birthday.string("value.jobId"))
    }

    @Test func untilBoundsTheTimeline() throws {
        let events = try String(contentsOfFile: WorkerConfigTests.repositoryRoot + "/examples/events.jsonl", encoding: .utf8)
        let short = String(decoding: try run(events: events, until: "2026-03-01T00:00:00Z"), as: UTF8.self)
        #expect(!short.contains("birthday-gold\",\"version\":3},\"trigger\":{\"type\":\"birthday\""))
    }
}
