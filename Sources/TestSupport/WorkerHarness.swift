import CampaignDomain
import CampaignWorker
import Foundation
import Kafka
import Synchronization

/// A worker running on its own thread against a fresh mock cluster, with helpers to feed it and read what it wrote.
public final class WorkerHarness {
    public let cluster: MockKafkaCluster
    public let config: WorkerConfig
    /// The running worker; `restart()` replaces it with a new one in the same group.
    public private(set) var worker: Worker
    public let clock: ManualClock
    /// Partitions of every topic the harness created.
    public let partitions: Int
    private let plans: [Plan]
    private let logger: Logger
    private var stop = StopSignal()
    private var thread: Thread
    private let failure = FailureBox()
    private let producer: KafkaProducer

    public struct Timeout: Error, CustomStringConvertible {
        public var description: String
    }

    /// Starts the worker with `plans`, `partitions` per topic, the clock at `start`, and waits until it owns partitions.
    /// `logger` receives the worker's log lines (errors only, to standard error, unless given). The cluster has
    /// `brokers` brokers; `leaders` puts every partition of a topic on one of them (before the worker starts).
    public init(
        plans: [Plan], start: Instant, partitions: Int = 3, logger: Logger = Logger(minimumLevel: .error),
        brokers: Int = 1, leaders: [String: Int32] = [:], configure: (inout WorkerConfig) -> Void = { _ in }
    ) throws {
        let silent: KafkaLogHandler = { _, _, _ in }
        cluster = try MockKafkaCluster(brokers: brokers, logHandler: silent)
        cluster.setGroupInitialRebalanceDelay(.milliseconds(50))
        var config = WorkerConfig()
        config.kafka = ["bootstrap.servers": cluster.bootstrapServers, "session.timeout.ms": "6000", "heartbeat.interval.ms": "500"]
        config.groupID = "worker-test"
        config.topics.plans = nil
        configure(&config)
        for topic in config.topics.activity { try cluster.createTopic(topic, partitions: partitions) }
        // The mock cluster has no CreateTopics API, so the worker's internal topic is made here.
        try cluster.createTopic(config.changelogTopic, partitions: partitions)
        for role in OutputRole.allCases {
            if let topic = config.topics.topic(for: role) { try cluster.createTopic(topic, partitions: partitions) }
        }
        if let plans = config.topics.plans { try cluster.createTopic(plans, partitions: 1) }
        for (topic, broker) in leaders.sorted(by: { $0.key < $1.key }) {
            for partition in 0..<partitions { try cluster.setPartitionLeader(topic: topic, partition: Int32(partition), broker: broker) }
        }
        self.config = config
        self.plans = plans
        self.logger = logger
        self.partitions = partitions
        clock = ManualClock(start)
        producer = try KafkaProducer(properties: ["bootstrap.servers": cluster.bootstrapServers], logHandler: silent)
        (worker, thread) = Self.startWorker(config: config, plans: plans, clock: clock, logger: logger, stop: stop, failure: failure)
        let worker = self.worker
        try waitUntil("the worker owns partitions and is ready", timeout: 30) {
            worker.statistics.isReady && !worker.statistics.snapshot.assignedPartitions.isEmpty
        }
    }

    deinit {
        stopWorker()
    }

    private static func startWorker(
        config: WorkerConfig, plans: [Plan], clock: ManualClock, logger: Logger, stop: StopSignal, failure: FailureBox
    ) -> (Worker, Thread) {
        let worker = Worker(config: config, plans: plans, clock: clock, logger: logger)
        let thread = Thread {
            do throws(Worker.Failure) { try worker.run(until: stop) } catch { failure.set(error.description) }
        }
        thread.start()
        return (worker, thread)
    }

    /// Stops the worker gracefully (commit, leave the group) and waits for its thread to end.
    public func stopWorker() {
        stop.stop()
        while !thread.isFinished { Thread.sleep(forTimeInterval: 0.01) }
    }

    /// Stops the worker and starts a new one in the same group, waiting until it owns partitions again.
    public func restart() throws {
        stopWorker()
        stop = StopSignal()
        (worker, thread) = Self.startWorker(config: config, plans: plans, clock: clock, logger: logger, stop: stop, failure: failure)
        let worker = self.worker
        try waitUntil("the restarted worker owns partitions and restored them", timeout: 30) {
            worker.statistics.isReady && !worker.statistics.snapshot.assignedPartitions.isEmpty
        }
    }

    /// Whether the worker's thread is still running (it never ends on its own while healthy).
    public var isWorkerRunning: Bool { !thread.isFinished }

    /// Produces records to the first activity topic; a nil key means "use the subject" is the caller's business.
    public func produce(_ values: [String], keys: [String?]? = nil, headers: [[KafkaHeader]]? = nil) throws {
        for (index, value) in values.enumerated() {
            let key = keys?[index] ?? Self.subject(of: value)
            try producer.send(ProducerRecord(topic: config.topics.activity[0], key: key.map { Array($0.utf8) }, value: Array(value.utf8), headers: headers?[index] ?? []))
        }
        try producer.flush(timeout: .seconds(10))
    }

    /// Writes a plan (or, with nil, a tombstone deleting it) to the plans topic, keyed by plan id.
    public func publishPlan(id: String, json: String?) throws {
        guard let topic = config.topics.plans else { throw Timeout(description: "the harness was started without a plans topic") }
        try producer.send(ProducerRecord(topic: topic, partition: 0, key: Array(id.utf8), value: json.map { Array($0.utf8) }))
        try producer.flush(timeout: .seconds(10))
    }

    /// Waits until the worker consumed `count` records in total.
    public func waitForConsumed(_ count: Int) throws {
        try waitUntil("the worker consumed \(count) records", timeout: 30) { self.worker.statistics.snapshot.consumed >= count }
    }

    /// Waits until the worker has produced at least `count` records of `role` and committed after them.
    public func waitForProduced(_ role: OutputRole, atLeast count: Int) throws {
        try waitUntil("the worker produced \(count) \(role.rawValue) records", timeout: 30) {
            (self.worker.statistics.snapshot.produced[role] ?? 0) >= count
        }
    }

    /// Reads a whole output topic once it holds at least `count` records (delivery is asynchronous).
    public func read(_ topic: String, partitions: Int? = nil, atLeast count: Int = 0) throws -> [ConsumerRecord] {
        let partitions = partitions ?? self.partitions
        var records: [ConsumerRecord] = []
        try waitUntil("\(topic) holds \(count) records", timeout: 20) {
            guard let reader = try? KafkaReader(
                properties: ["bootstrap.servers": cluster.bootstrapServers],
                partitions: (0..<partitions).map { TopicPartitionOffset(topic: topic, partition: Int32($0), offset: TopicPartitionOffset.beginning) },
                logHandler: { _, _, _ in }),
                let read = try? reader.readToEnd(timeout: .seconds(10))
            else { return false }
            records = read
            return records.count >= count
        }
        return records
    }

    /// Reads a job or decision topic once it holds at least `count` records and parses each value.
    ///
    /// Every record must match its published JSON Schema (`schemas/`), so each integration test checks the contract too.
    public func readObjects(_ topic: String, atLeast count: Int = 0) throws -> [JSONObject] {
        let objects = try read(topic, atLeast: count).compactMap { record in record.value.flatMap { try? JSONParser.parse($0) }?.objectValue }
        for object in objects { try ContractSchemas.checkOutput(object) }
        return objects
    }

    public func waitUntil(_ what: String, timeout: Double, _ condition: () -> Bool) throws {
        let deadline = Date().addingTimeInterval(timeout)
        while !condition() {
            if let message = failure.value { throw Timeout(description: "worker failed while waiting until \(what): \(message)") }
            guard Date() < deadline else { throw Timeout(description: "timed out after \(timeout) s waiting until \(what)") }
            Thread.sleep(forTimeInterval: 0.01)
        }
    }

    static func subject(of json: String) -> String? {
        (try? JSONParser.parse(json))?.objectValue?["subject"]?.stringValue
    }
}

/// The worker thread's failure, shared with the test thread.
final class FailureBox: Sendable {
    private let message = Mutex<String?>(nil)

    var value: String? { message.withLock { $0 } }

    func set(_ text: String) { message.withLock { $0 = text } }
}
