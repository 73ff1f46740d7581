import CampaignDomain
import CampaignWorker
import Kafka
import TestSupport
import Testing

/// at_least_once commits without waiting for delivery: offsets follow once the commit's records are delivered, and a
/// failure meanwhile rolls back past the commit point, so nothing whose outputs were lost counts as done.
@Suite(.serialized, .timeLimit(.minutes(2))) struct AtLeastOnceTests {
    static let start = Instant.at("2026-03-01T00:00:00Z")

    static func harness(
        logs: LogLines? = nil, brokers: Int = 1, leaders: [String: Int32] = [:], commitIntervalMillis: Int = 1
    ) throws -> WorkerHarness {
        try WorkerHarness(
            plans: [PlanFactory.birthday(trigger: #"{"type":"birthday","at":"09:00"}"#)], start: start, partitions: 1,
            logger: logs?.logger ?? Logger(minimumLevel: .error), brokers: brokers, leaders: leaders
        ) {
            $0.processingGuarantee = .atLeastOnce
            // A commit point every step, so one is waiting for delivery when the failure is reported.
            $0.commitIntervalMillis = commitIntervalMillis
        }
    }

    @Test func aDeliveryFailureAfterTheCommitPointIsRedoneNotLost() throws {
        var events = EventFactory()
        let logs = LogLines(minimumLevel: .debug)
        let harness = try Self.harness(logs: logs)
        try harness.produce([events.enrolled("m-1", at: "2026-03-01T08:00:00+08:00", birthday: "1990-03-02")])
        try harness.waitUntil("the enrolment is committed", timeout: 20) {
            harness.worker.statistics.snapshot.consumedAtLastCommit >= 1
        }
        // The birthday's Produce requests fail, and their answers take 300 ms: the worker marks a commit point (every
        // step) holding the firing before it learns that its job and m-1's changelog record were not delivered.
        let messageSizeTooLarge: Int32 = 10
        harness.cluster.pushRequestErrors(apiKey: 0, errors: Array(repeating: messageSizeTooLarge, count: 2))
        harness.cluster.setBrokerRoundTrip(-1, .milliseconds(300))
        let linesBefore = logs.all.count
        harness.clock.set(Instant.at("2026-03-02T02:00:00Z"))  // the birthday (09:00 Shanghai) is due
        try harness.waitUntil("the failure is rolled back", timeout: 20) { harness.worker.statistics.snapshot.rewinds >= 1 }
        harness.cluster.setBrokerRoundTrip(-1, .zero)
        #expect(logs.all.dropFirst(linesBefore).contains { $0.contains("\"commit.started\"") && $0.contains("\"changelogRecords\":1") },
            "a commit point held m-1's fired state when the failure came")
        let rolledBack = logs.all.first { $0.contains("batch.rolled_back") }
        #expect(rolledBack?.contains("MSG_SIZE_TOO_LARGE") == true)
        // Redone from the committed offset (the enrolment, a duplicate now) and the restored timer: the job is there.
        try harness.waitUntil("the redone job is delivered and committed", timeout: 20) {
            harness.worker.statistics.snapshot.produced[.couponJobs, default: 0] >= 1
                && harness.worker.statistics.snapshot.commits >= 2 && harness.worker.statistics.snapshot.rewinds >= 1
        }
        // At least once: a job whose request failed after another part of the step was delivered may come twice.
        let jobs = try harness.readObjects("coupon-jobs", atLeast: 1)
        #expect(!jobs.isEmpty && jobs.allSatisfy { $0.string("plan.id") == "birthday-gold" })
    }

    @Test func oneCommitIsDeliveredAtATimeAndEveryChangeReachesTheChangelog() throws {
        var events = EventFactory()
        let logs = LogLines(minimumLevel: .debug)
        let harness = try Self.harness(logs: logs)
        try harness.produce((1...20).map { events.enrolled("m-\($0)", at: "2026-03-01T08:00:00+08:00") })
        try harness.waitUntil("every enrolment is committed", timeout: 20) {
            harness.worker.statistics.snapshot.consumedAtLastCommit >= 20
        }
        // Each commit.finished follows its own commit.started: the next commit waits for the one being delivered.
        let lines = logs.all.compactMap { line -> String? in
            line.contains("\"commit.started\"") ? "started" : line.contains("\"commit.finished\"") ? "finished" : nil
        }
        #expect(lines.first == "started")
        #expect(zip(lines, lines.dropFirst()).allSatisfy { $0 != $1 }, "one commit in flight at a time")
        let changelog = try harness.read(harness.config.changelogTopic, partitions: 1, atLeast: 20)
        #expect(Set(changelog.compactMap { $0.key.map { String(decoding: $0, as: UTF8.self) } }).count == 20)
    }

    /// Both commits: the interval's, which goes on processing meanwhile, and the blocking one at shutdown.
    @Test(arguments: [false, true]) func aChangelogRecordIsSentOnlyOnceTheJobsItImpliesAreDelivered(atShutdown: Bool) throws {
        // The outputs on broker 2, which answers after 400 ms; the changelog on broker 1, which answers at once. A
        // changelog record delivered ahead of its firing's job would leave a successor that never sends the job.
        let defaults = WorkerConfig()
        let outputs = OutputRole.allCases.compactMap { defaults.topics.topic(for: $0) }
        let changelog = "worker-test-member-state-changelog"
        var leaders: [String: Int32] = [changelog: 1]
        for topic in outputs { leaders[topic] = 2 }
        // At shutdown: no interval commit, so the stop commits the enrolment and the firing together.
        let harness = try Self.harness(brokers: 2, leaders: leaders, commitIntervalMillis: atShutdown ? 600_000 : 1)
        #expect(harness.config.changelogTopic == changelog)
        var events = EventFactory()
        try harness.produce([events.enrolled("m-1", at: "2026-03-01T08:00:00+08:00", birthday: "1990-03-02")])
        try harness.waitUntil("the enrolment is applied and (every step) committed", timeout: 20) {
            harness.worker.statistics.snapshot.consumed >= 1 && (atShutdown || harness.worker.statistics.snapshot.consumedAtLastCommit >= 1)
        }
        harness.cluster.setBrokerRoundTrip(2, .milliseconds(400))
        harness.clock.set(Instant.at("2026-03-02T02:00:00Z"))  // the birthday (09:00 Shanghai) is due
        if atShutdown {
            try harness.waitForProduced(.couponJobs, atLeast: 1)
            harness.stopWorker()
        }
        let states = try harness.read(changelog, partitions: 1, atLeast: atShutdown ? 1 : 2)
        harness.cluster.setBrokerRoundTrip(2, .zero)
        let job = try #require(try harness.read(defaults.topics.couponJobs, atLeast: 1).first)
        let fired = try #require(states.last)
        // The changelog record holding the firing was produced once the job's delivery report (400 ms) came back.
        let sentAfter = try #require(fired.timestampMillis) - #require(job.timestampMillis)
        #expect(sentAfter >= 350, "m-1's changelog record was sent \(sentAfter) ms after its job")
    }

    @Test func aChangelogDeliveryFailureAfterTheOutputsIsRolledBackAndRedone() throws {
        // The outputs on broker 2, the changelog on broker 1, whose next Produce requests fail: the commit's outputs are
        // delivered, then its changelog record is not.
        let defaults = WorkerConfig()
        let changelog = "worker-test-member-state-changelog"
        var leaders: [String: Int32] = [changelog: 1]
        for topic in OutputRole.allCases.compactMap({ defaults.topics.topic(for: $0) }) + defaults.topics.activity { leaders[topic] = 2 }
        let logs = LogLines(minimumLevel: .warning)
        let harness = try Self.harness(logs: logs, brokers: 2, leaders: leaders)
        var events = EventFactory()
        try harness.produce([events.enrolled("m-1", at: "2026-03-01T08:00:00+08:00", birthday: "1990-03-02")])
        try harness.waitUntil("the enrolment is committed", timeout: 20) {
            harness.worker.statistics.snapshot.consumedAtLastCommit >= 1
        }
        let messageSizeTooLarge: Int32 = 10
        try harness.cluster.pushBrokerRequestErrors(broker: 1, apiKey: 0, errors: [messageSizeTooLarge])
        harness.clock.set(Instant.at("2026-03-02T02:00:00Z"))  // the birthday (09:00 Shanghai) is due
        // Rolled back to the enrolment's commit and redone from there: the birthday fires again, and this time its
        // changelog record is delivered.
        let states = try harness.read(changelog, partitions: 1, atLeast: 2)
        #expect(harness.worker.statistics.snapshot.rewinds >= 1)
        #expect(logs.all.contains { $0.contains("batch.rolled_back") && $0.contains("MSG_SIZE_TOO_LARGE") })
        let jobs = try harness.read(defaults.topics.couponJobs, atLeast: 2)
        #expect(jobs.count >= 2, "the job of the rolled-back firing is sent again")
        let ids = jobs.compactMap { $0.value.flatMap { try? JSONParser.parse($0) }?.objectValue?["jobId"]?.stringValue }
        #expect(ids.count == jobs.count && Set(ids).count == 1, "every copy is the same job")
        // The fired state reached the changelog after every copy of its job.
        let fired = try #require(states.last?.timestampMillis)
        #expect(jobs.allSatisfy { ($0.timestampMillis ?? .max) <= fired })
    }
}
