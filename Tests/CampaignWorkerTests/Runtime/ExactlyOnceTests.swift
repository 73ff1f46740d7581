import CampaignDomain
import CampaignWorker
import Kafka
import TestSupport
import Testing

/// The changelog, restore and the transaction error paths, on librdkafka's mock cluster.
///
/// The mock keeps no transactional offsets and writes no transaction markers, so what exactly-once promises end to
/// end is checked by the drills against a real broker (README "Drills"); these tests check the worker's side: what it
/// writes to the changelog, that it restores from it, and that every kind of transaction error is recovered from.
@Suite(.serialized, .timeLimit(.minutes(2))) struct ExactlyOnceTests {
    static let plans = [
        PlanFactory.birthday(trigger: #"{"type":"birthday","at":"09:00"}"#),
        PlanFactory.plan(#"{"id":"win-back","trigger":{"type":"dormancy","inactiveDays":[30],"at":"09:00"},"actions":[{"type":"coupon","template":"COMEBACK-20","validDays":14}]}"#),
    ]
    static let start = Instant.at("2026-03-01T00:00:00Z")

    /// A worker on one partition that has applied m-1's enrolment (birthday tomorrow) and committed it.
    static func workerWithOneMemberCommitted(events: inout EventFactory) throws -> WorkerHarness {
        let harness = try WorkerHarness(plans: plans, start: start, partitions: 1)
        try harness.produce([events.enrolled("m-1", at: "2026-03-01T08:00:00+08:00", birthday: "1990-03-02")])
        try harness.waitUntil("a commit", timeout: 20) { harness.worker.statistics.snapshot.commits >= 1 }
        return harness
    }

    /// Enrols m-1 (birthday tomorrow), fires the birthday and waits for the next commit to finish.
    ///
    /// Transactions are committed on a thread of their own, so that may be the one under way when the birthday fired,
    /// whose job then waits for the commit after it; a graceful stop commits both.
    static func fireTheBirthdayAndWaitForItsCommit(_ harness: WorkerHarness, events: inout EventFactory) throws {
        try harness.produce([events.enrolled("m-1", at: "2026-03-01T08:00:00+08:00", birthday: "1990-03-02")])
        try harness.waitForConsumed(1)
        harness.clock.set(Instant.at("2026-03-02T02:00:00Z"))  // the birthday (09:00 Shanghai) is due
        try harness.waitForProduced(.couponJobs, atLeast: 1)
        let commits = harness.worker.statistics.snapshot.commits
        try harness.waitUntil("the firing is committed", timeout: 20) { harness.worker.statistics.snapshot.commits > commits }
    }

    /// Mock request-error injection: Kafka API keys and error codes (rd_kafka_resp_err_t).
    enum API {
        static let endTxn: Int16 = 26
        static let txnOffsetCommit: Int16 = 28
    }
    enum Code {
        static let coordinatorNotAvailable: Int32 = 15
        static let illegalGeneration: Int32 = 22
        static let producerFenced: Int32 = 90
    }

    @Test func refusesAChangelogWithAnotherPartitionCount() throws {
        let cluster = try MockKafkaCluster(brokers: 1, logHandler: { _, _, _ in })
        var config = WorkerConfig()
        config.kafka = ["bootstrap.servers": cluster.bootstrapServers]
        config.groupID = "co-partitioning"
        try cluster.createTopic("member-activity", partitions: 3)
        try cluster.createTopic(config.changelogTopic, partitions: 2)
        let worker = Worker(config: config, plans: Self.plans, clock: ManualClock(Self.start), logger: Logger(minimumLevel: .error))
        let failure = try #require(throws: Worker.Failure.self) { try worker.run(until: StopSignal()) }
        guard case .changelogNotCoPartitioned(let changelog, let partitions, let inputPartitions) = failure else {
            Issue.record("expected changelogNotCoPartitioned, got \(failure)")
            return
        }
        #expect(changelog == "co-partitioning-member-state-changelog")
        #expect((partitions, inputPartitions) == (2, 3))
        #expect(failure.description.contains("must be co-partitioned"))
    }

    @Test func changelogRecordsEveryChangedMemberAtTheInputPartitionAndTombstonesErasure() throws {
        var events = EventFactory()
        let harness = try WorkerHarness(plans: Self.plans, start: Self.start)
        try harness.produce([
            events.enrolled("m-1", at: "2026-03-01T08:00:00+08:00", birthday: "1990-03-12"),
            events.enrolled("m-2", at: "2026-03-01T08:00:00+08:00"),
            events.enrolled("m-3", at: "2026-03-01T08:00:00+08:00"),
        ])
        try harness.waitForConsumed(3)
        try harness.produce([events.event("member.erased", "m-2", at: "2026-03-01T09:00:00+08:00")])
        try harness.waitForConsumed(4)
        try harness.waitUntil("the erasure is committed", timeout: 20) { harness.worker.statistics.snapshot.changelogRecords >= 4 }

        let inputPartition = Dictionary(
            try harness.read(harness.config.topics.activity[0], atLeast: 4).map { (String(decoding: $0.key ?? [], as: UTF8.self), $0.partition) },
            uniquingKeysWith: { first, _ in first })
        var latest: [String: ConsumerRecord] = [:]
        for record in try harness.read(harness.config.changelogTopic, atLeast: 4) {
            let key = String(decoding: record.key ?? [], as: UTF8.self)
            latest[key] = record
            #expect(record.partition == inputPartition[key], "the changelog record of \(key) is at its input partition")
        }
        #expect(Set(latest.keys) == ["m-1", "m-2", "m-3"])
        var decoder = MemberStateCodec.Decoder()
        let decoded = try decoder.decode(try #require(latest["m-1"]?.value))
        let member = decoded.member
        #expect(member.id == "m-1")
        #expect(member.birthday == Birthday(year: 1990, month: 3, day: 12))
        // Stored with the fingerprint of the plans its due time was computed under, so a restart can keep it.
        #expect(member.nextDue != nil)
        #expect(decoded.schedule == harness.config.engine(plans: Self.plans).scheduleFingerprint)
        #expect(latest["m-2"]?.value == nil, "erasure leaves a tombstone")
        #expect(latest["m-3"]?.value != nil)
    }

    @Test func restartRestoresStateAndFiresNothingTwice() throws {
        var events = EventFactory()
        let harness = try WorkerHarness(plans: Self.plans, start: Self.start, partitions: 1)
        try Self.fireTheBirthdayAndWaitForItsCommit(harness, events: &events)

        try harness.restart()
        #expect(harness.worker.statistics.snapshot.restoredMembers == 1)
        #expect(harness.worker.statistics.isReady)
        // The mock keeps no transactional offsets, so the new worker reads the input again from the start: the
        // restored duplicate memory recognises the enrolment, and the restored occurrence log the birthday.
        try harness.waitForConsumed(1)
        #expect(harness.worker.statistics.snapshot.duplicates == 1)
        // Dormancy: 30 member-local days after the enrolment, at 09:00, from restored state only.
        harness.clock.set(Instant.at("2026-03-31T02:00:00Z"))
        try harness.waitForProduced(.couponJobs, atLeast: 1)
        let coupons = try harness.read("coupon-jobs", partitions: 1, atLeast: 2).compactMap { record in
            record.value.flatMap { try? JSONParser.parse($0) }?.objectValue?.string("plan.id")
        }
        #expect(coupons.sorted() == ["birthday-gold", "win-back"])
        #expect(harness.worker.statistics.snapshot.produced[.couponJobs] == 1, "the restarted worker fired only the dormancy")
    }

    /// The drills tell which records of a killed worker were in a commit it had not finished by these lines: every
    /// record of a commit is older than its `commit.started`, which comes before its `commit.finished`.
    @Test func commitLinesAtDebugComeAfterEveryRecordOfTheCommit() throws {
        var events = EventFactory()
        let logs = LogLines(minimumLevel: .debug)
        let harness = try WorkerHarness(plans: Self.plans, start: Self.start, partitions: 1, logger: logs.logger)
        try Self.fireTheBirthdayAndWaitForItsCommit(harness, events: &events)

        func commitLines() -> [(event: String, millis: Int64, changelog: Int)] {
            logs.all.compactMap { line in
                guard let object = try? JSONParser.parse(Array(line.utf8)).objectValue, let event = object.string("event"),
                    event.hasPrefix("commit."), let ts = object.string("ts").flatMap(Instant.init(rfc3339:)),
                    let changelog = object["changelogRecords"]?.intValue
                else { return nil }
                return (event, ts.epochMillis, changelog)
            }
        }
        func records() throws -> [ConsumerRecord] {
            try harness.read("coupon-jobs", partitions: 1) + harness.read(harness.config.changelogTopic, partitions: 1)
        }
        func followed(_ record: ConsumerRecord, in lines: [(event: String, millis: Int64, changelog: Int)]) -> Bool {
            lines.contains { $0.event == "commit.started" && $0.millis >= record.timestampMillis ?? .max }
        }
        // A firing that came while the previous transaction was being committed waits for the next one: wait until
        // that one has finished too.
        try harness.waitUntil("every record's commit has finished", timeout: 20) {
            let lines = commitLines()
            guard lines.last?.event == "commit.finished", let read = try? records(), read.count >= 2 else { return false }
            return read.allSatisfy { followed($0, in: lines) }
        }
        let lines = commitLines()
        #expect(lines.contains { $0.changelog >= 1 }, "a commit wrote m-1's state")
        // A commit may be under way as the lines are read.
        let paired = lines.last?.event == "commit.started" ? Array(lines.dropLast()) : lines
        #expect(paired.map(\.event) == Array(repeating: ["commit.started", "commit.finished"], count: paired.count / 2).flatMap { $0 })
        for pair in stride(from: 0, to: paired.count - 1, by: 2) { #expect(paired[pair].millis <= paired[pair + 1].millis) }
        for record in try records() {
            #expect(followed(record, in: lines), "a commit.started line follows the record produced at \(record.timestampMillis ?? -1)")
        }

        let quiet = LogLines(minimumLevel: .info)
        let other = try WorkerHarness(plans: Self.plans, start: Self.start, partitions: 1, logger: quiet.logger)
        try other.produce([events.enrolled("m-2", at: "2026-03-01T08:00:00+08:00")])
        try other.waitUntil("a commit", timeout: 20) { other.worker.statistics.snapshot.commits >= 1 }
        #expect(!quiet.all.contains { $0.contains("commit.") }, "info leaves the per-commit lines out")
    }

    @Test func abortableTransactionErrorRollsBackRewindsAndRedoes() throws {
        var events = EventFactory()
        let harness = try Self.workerWithOneMemberCommitted(events: &events)
        // The group generation moved on (a rebalance): the next transaction's offsets are refused and it must abort.
        harness.cluster.pushRequestErrors(apiKey: API.txnOffsetCommit, errors: [Code.illegalGeneration])
        try harness.produce([events.event("member.activity", "m-1", at: "2026-03-01T09:00:00+08:00")])
        try harness.waitUntil("the batch was rolled back", timeout: 30) { harness.worker.statistics.snapshot.rewinds >= 1 }
        let commits = harness.worker.statistics.snapshot.commits
        try harness.waitUntil("the redone batch is committed", timeout: 30) { harness.worker.statistics.snapshot.commits > commits }
        #expect(harness.worker.statistics.snapshot.clientRestarts == 0)
        // Work goes on: the birthday still fires.
        harness.clock.set(Instant.at("2026-03-02T02:00:00Z"))
        try harness.waitForProduced(.couponJobs, atLeast: 1)
        #expect(harness.isWorkerRunning)
    }

    /// The transaction is committed on a thread of its own while the loop goes on; when that commit fails, the roll-back
    /// goes back past its commit point, so what it held is redone.
    @Test func aCommitThatFailsOnItsOwnThreadIsRolledBackAndRedone() throws {
        var events = EventFactory()
        let harness = try Self.workerWithOneMemberCommitted(events: &events)
        // The birthday's job is refused by the broker, whose answers take 300 ms: the commit holding it fails after
        // the loop has handed it over and gone on.
        let messageSizeTooLarge: Int32 = 10
        harness.cluster.pushRequestErrors(apiKey: 0, errors: [messageSizeTooLarge])
        harness.cluster.setBrokerRoundTrip(-1, .milliseconds(300))
        harness.clock.set(Instant.at("2026-03-02T02:00:00Z"))
        try harness.waitUntil("the failed commit was rolled back", timeout: 30) { harness.worker.statistics.snapshot.rewinds >= 1 }
        harness.cluster.setBrokerRoundTrip(-1, .zero)
        let commits = harness.worker.statistics.snapshot.commits
        try harness.waitUntil("the redone firing is committed", timeout: 30) {
            harness.worker.statistics.snapshot.commits > commits && harness.worker.statistics.snapshot.produced[.couponJobs, default: 0] >= 2
        }
        // Once in the aborted transaction, then redone: the roll-back did not stop at the commit point, which would
        // have left the birthday fired and its job lost. (The first redo may abort too: after the refused record
        // librdkafka needs an epoch bump for the skipped sequence number.)
        #expect(harness.worker.statistics.snapshot.produced[.couponJobs, default: 0] >= 2)
        #expect(harness.worker.statistics.snapshot.clientRestarts == 0)
        #expect(harness.isWorkerRunning)
    }

    @Test func retriableCommitErrorsAreRetriedWithoutLosingTheBatch() throws {
        var events = EventFactory()
        let harness = try Self.workerWithOneMemberCommitted(events: &events)
        harness.cluster.pushRequestErrors(
            apiKey: API.endTxn, errors: [Code.coordinatorNotAvailable, Code.coordinatorNotAvailable, Code.coordinatorNotAvailable])
        harness.clock.set(Instant.at("2026-03-02T02:00:00Z"))
        try harness.waitForProduced(.couponJobs, atLeast: 1)
        let commits = harness.worker.statistics.snapshot.commits
        try harness.waitUntil("the firing is committed", timeout: 30) { harness.worker.statistics.snapshot.commits > commits }
        #expect(harness.worker.statistics.snapshot.rewinds == 0)
        #expect(harness.worker.statistics.snapshot.clientRestarts == 0)
        #expect(harness.worker.statistics.snapshot.produced[.couponJobs] == 1)
        #expect(harness.isWorkerRunning)
    }

    @Test func fencedProducerRecreatesTheClientPairAndCarriesOn() throws {
        var events = EventFactory()
        let harness = try Self.workerWithOneMemberCommitted(events: &events)
        // Another producer took over this transactional.id: a fatal error for this one.
        harness.cluster.pushRequestErrors(apiKey: API.endTxn, errors: [Code.producerFenced])
        try harness.produce([events.event("member.activity", "m-1", at: "2026-03-01T09:00:00+08:00")])
        try harness.waitUntil("the client pair was recreated", timeout: 30) { harness.worker.statistics.snapshot.clientRestarts >= 1 }
        try harness.waitUntil("the new pair owns partitions and is ready", timeout: 30) { harness.worker.statistics.isReady && !harness.worker.statistics.snapshot.assignedPartitions.isEmpty }
        #expect(harness.worker.statistics.snapshot.restoredMembers >= 1)
        harness.clock.set(Instant.at("2026-03-02T02:00:00Z"))
        try harness.waitForProduced(.couponJobs, atLeast: 1)
        #expect(harness.isWorkerRunning)
    }
}
