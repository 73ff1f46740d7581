import Foundation
import Kafka
import Synchronization
import Testing

/// Collects librdkafka log lines instead of printing them, so test output stays readable.
final class LogCollector: Sendable {
    private let lines = Mutex<[String]>([])

    /// The handler to pass to clients.
    var handler: KafkaLogHandler {
        { [self] level, facility, message in
            lines.withLock { $0.append("\(level) \(facility) \(message)") }
        }
    }

    var all: [String] { lines.withLock { $0 } }
}

/// Drops librdkafka log lines.
let quietLog: KafkaLogHandler = { _, _, _ in }

/// Runs blocking Kafka calls on a dedicated thread, as production callers must, keeping the
/// cooperative pool free. A task executor (not a bare Thread) keeps the test's task-local context,
/// so `#expect` failures inside `body` are attributed to the right test.
func blocking<T: Sendable>(_ body: () throws -> T) async throws -> T {
    let executor = DedicatedThreadExecutor()
    defer { executor.shutdown() }
    return try await withTaskExecutorPreference(executor) {
        try body()
    }
}

/// A task executor that runs every job on one thread of its own until `shutdown`.
final class DedicatedThreadExecutor: TaskExecutor, @unchecked Sendable {
    // @unchecked: `jobs` and `stopped` are only touched with `condition` locked.
    private let condition = NSCondition()
    private var jobs: [UnownedJob] = []
    private var stopped = false

    init() {
        let thread = Thread { [self] in run() }
        thread.stackSize = 4 << 20
        thread.start()
    }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        condition.lock()
        jobs.append(job)
        condition.signal()
        condition.unlock()
    }

    func shutdown() {
        condition.lock()
        stopped = true
        condition.signal()
        condition.unlock()
    }

    private func run() {
        while true {
            condition.lock()
            while jobs.isEmpty && !stopped { condition.wait() }
            if jobs.isEmpty {
                condition.unlock()
                return
            }
            let job = jobs.removeFirst()
            condition.unlock()
            job.runSynchronously(on: asUnownedTaskExecutor())
        }
    }
}

/// A fresh mock cluster per test with a short group rebalance delay.
func makeCluster(brokers: Int = 1) throws -> MockKafkaCluster {
    let cluster = try MockKafkaCluster(brokers: brokers, logHandler: quietLog)
    cluster.setGroupInitialRebalanceDelay(.milliseconds(50))
    return cluster
}

/// A topic name that is unique within the process.
func uniqueName(_ prefix: String) -> String {
    "\(prefix)-\(UInt32.random(in: 0...UInt32.max))"
}

/// Creates `topic` and a producer that has delivered one record (`first`) to it, so it is connected and knows the
/// leaders before a test injects errors or takes brokers down.
func primedProducer(_ cluster: MockKafkaCluster, topic: String, partitions: Int = 1, first: [UInt8] = [0]) throws -> KafkaProducer {
    try cluster.createTopic(topic, partitions: partitions)
    let producer = try KafkaProducer(properties: clientProperties(cluster), logHandler: quietLog)
    try producer.send(ProducerRecord(topic: topic, value: first))
    try producer.flush(timeout: .seconds(10))
    return producer
}

/// Properties every client in the tests uses.
func clientProperties(_ cluster: MockKafkaCluster) -> [String: String] {
    [
        "bootstrap.servers": cluster.bootstrapServers,
        "reconnect.backoff.max.ms": "500",
        "topic.metadata.refresh.interval.ms": "1000",
    ]
}

/// Group consumer properties with the fast session/heartbeat settings the suite relies on.
func consumerProperties(_ cluster: MockKafkaCluster, group: String) -> [String: String] {
    clientProperties(cluster).merging([
        "group.id": group,
        "session.timeout.ms": "6000",
        "heartbeat.interval.ms": "500",
    ]) { _, new in new }
}

/// Producer records i in 0..<count, key "k<i>", value "v<i>", header "i", partition i % partitions.
func numberedRecords(topic: String, count: Int, partitions: Int32) -> [ProducerRecord] {
    (0..<count).map { index in
        ProducerRecord(
            topic: topic, partition: Int32(index) % partitions, key: Array("k\(index)".utf8),
            value: Array("v\(index)".utf8), headers: [KafkaHeader(key: "i", string: "\(index)")])
    }
}

/// Produces and flushes `records` with a fresh producer.
func produce(_ records: [ProducerRecord], cluster: MockKafkaCluster) throws {
    let producer = try KafkaProducer(properties: clientProperties(cluster), logHandler: quietLog)
    for record in records { try producer.send(record) }
    try producer.flush(timeout: .seconds(10))
}

/// Polls until `count` records arrived or `timeout` passed.
func pollRecords(_ consumer: KafkaConsumer, count: Int, timeout: Duration) throws -> [ConsumerRecord] {
    let deadline = ContinuousClock.now.advanced(by: timeout)
    var records: [ConsumerRecord] = []
    while records.count < count, ContinuousClock.now < deadline {
        records += try consumer.poll(maxRecords: 100, timeout: .milliseconds(200))
    }
    return records
}

extension ConsumerRecord {
    var valueString: String? { value.map { String(decoding: $0, as: UTF8.self) } }
    var keyString: String? { key.map { String(decoding: $0, as: UTF8.self) } }
}
