import CampaignDomain
import CampaignWorker
import Foundation
import Kafka
import Synchronization

/// End-to-end events per second through the mock cluster: the worker against a bare librdkafka consume-and-produce
/// loop with the same batching and commit cadence, measured in the same run.
enum PipelineBench {
    struct Result {
        var events: Int
        var workerPerSecond: Double
        var baselinePerSecond: Double
        /// The worker with `exactly_once`: transactions with the changelog records and offsets.
        var exactlyOncePerSecond: Double
        var ratio: Double { workerPerSecond / baselinePerSecond }
        var exactlyOnceRatio: Double { exactlyOncePerSecond / baselinePerSecond }
        /// Every run, to show the spread behind the medians.
        var workerRuns: [Double]
        var exactlyOnceRuns: [Double]
    }

    static let silent: KafkaLogHandler = { _, _, _ in }
    /// Input, output and changelog partitions. The mock cluster keeps only about the last 5 MB of a partition, so
    /// many partitions let the input be large enough for the baseline to run for a measurable time.
    static let partitions = 16

    /// Each figure is the median of `rounds` runs, taken in turn (baseline, at_least_once, exactly_once) so that
    /// a slow moment of the shared machine does not land on one side only.
    static func run(members: Int, events: Int, plans: [Plan], threads: Int, rounds: Int = 3) throws -> Result {
        let inputs = BenchWorkload.events(members: members, events: events)
        var baseline: [Double] = [], worker: [Double] = [], exactlyOnce: [Double] = []
        for _ in 0..<rounds {
            baseline.append(try measureBaseline(inputs))
            worker.append(try measureWorker(inputs, plans: plans, guarantee: .atLeastOnce, threads: threads))
            exactlyOnce.append(try measureWorker(inputs, plans: plans, guarantee: .exactlyOnce, threads: threads))
        }
        func median(_ values: [Double]) -> Double { values.sorted()[values.count / 2] }
        return Result(
            events: inputs.count, workerPerSecond: median(worker), baselinePerSecond: median(baseline),
            exactlyOncePerSecond: median(exactlyOnce), workerRuns: worker, exactlyOnceRuns: exactlyOnce)
    }

    /// A cluster with the input topic filled with `inputs`.
    static func cluster(with inputs: [[UInt8]], outputs: [String]) throws -> MockKafkaCluster {
        let cluster = try MockKafkaCluster(brokers: 1, logHandler: silent)
        cluster.setGroupInitialRebalanceDelay(.milliseconds(50))
        try cluster.createTopic("member-activity", partitions: partitions)
        for topic in outputs { try cluster.createTopic(topic, partitions: partitions) }
        let producer = try KafkaProducer(properties: ["bootstrap.servers": cluster.bootstrapServers, "linger.ms": "20"], logHandler: silent)
        for bytes in inputs {
            let subject = (try? JSONParser.parse(bytes))?.objectValue?["subject"]?.stringValue ?? ""
            try producer.send(ProducerRecord(topic: "member-activity", key: Array(subject.utf8), value: bytes))
        }
        try producer.flush(timeout: .seconds(120))
        return cluster
    }

    static func measureBaseline(_ inputs: [[UInt8]]) throws -> Double {
        let cluster = try cluster(with: inputs, outputs: ["echo"])
        let properties = ["bootstrap.servers": cluster.bootstrapServers, "session.timeout.ms": "6000", "heartbeat.interval.ms": "500"]
        let consumer = try KafkaConsumer(properties: properties.merging(["group.id": "baseline"]) { $1 }, topics: ["member-activity"], logHandler: silent)
        let producer = try KafkaProducer(properties: ["bootstrap.servers": cluster.bootstrapServers], logHandler: silent)
        // As the worker does at start: the first flush would otherwise wait for the topic's metadata.
        try producer.loadMetadata(topics: ["echo"], timeout: .seconds(10))
        var consumed = 0
        var pending: [TopicPartition: Int64] = [:]
        var lastCommit = ContinuousClock.now
        var start: ContinuousClock.Instant?
        let deadline = ContinuousClock.now + .seconds(300)
        while consumed < inputs.count {
            guard ContinuousClock.now < deadline else { throw BenchFailure(description: "the baseline consumed \(consumed) of \(inputs.count) records in 300 s") }
            let records = try consumer.poll(maxRecords: 1000, timeout: .milliseconds(50))
            if start == nil, !records.isEmpty { start = .now }
            for record in records {
                try producer.send(ProducerRecord(topic: "echo", key: record.key, value: record.value))
                pending[record.topicPartition] = record.offset + 1
            }
            consumed += records.count
            producer.poll()
            if !pending.isEmpty, ContinuousClock.now - lastCommit >= .milliseconds(100) || consumed == inputs.count {
                try producer.flush(timeout: .seconds(60))
                try consumer.commit(pending.map { TopicPartitionOffset($0.key, offset: $0.value) })
                pending.removeAll()
                lastCommit = .now
            }
        }
        let seconds = Measure.seconds(ContinuousClock.now - (start ?? .now))
        consumer.close()
        return Double(inputs.count) / seconds
    }

    static func measureWorker(_ inputs: [[UInt8]], plans: [Plan], guarantee: WorkerConfig.ProcessingGuarantee, threads: Int) throws -> Double {
        var config = WorkerConfig()
        config.processingThreads = threads
        config.topics.plans = nil
        config.processingGuarantee = guarantee
        let cluster = try cluster(with: inputs, outputs: OutputRole.allCases.compactMap { config.topics.topic(for: $0) })
        config.kafka = ["bootstrap.servers": cluster.bootstrapServers, "session.timeout.ms": "6000", "heartbeat.interval.ms": "500"]
        config.groupID = "bench-worker"
        // The mock cluster has no CreateTopics API, so the worker's changelog is made here.
        try cluster.createTopic(config.changelogTopic, partitions: partitions)
        config.programme.maxLateness = nil
        let clock = VirtualClock(start: BenchWorkload.start, rate: 1)
        let worker = Worker(config: config, plans: plans, clock: clock, logger: Logger(minimumLevel: .error))
        let stop = StopSignal()
        let failure = FailureNote()
        let thread = Thread {
            do throws(Worker.Failure) { try worker.run(until: stop) } catch { failure.set(error.description) }
        }
        thread.start()
        let deadline = ContinuousClock.now + .seconds(300)
        func wait(until condition: () -> Bool) throws {
            while !condition() {
                if let message = failure.message { throw BenchFailure(description: "the worker stopped: \(message)") }
                guard ContinuousClock.now < deadline else { throw BenchFailure(description: "the worker consumed \(worker.statistics.snapshot.consumed) of \(inputs.count) records in 300 s") }
                Thread.sleep(forTimeInterval: 0.001)
            }
        }
        try wait { worker.statistics.snapshot.consumed > 0 }
        let start = ContinuousClock.now
        // Done when every input offset is committed (after everything it caused was delivered), as the baseline is;
        // leaving the group afterwards is not part of either figure.
        try wait { worker.statistics.snapshot.consumedAtLastCommit >= inputs.count }
        let seconds = Measure.seconds(ContinuousClock.now - start)
        stop.stop()
        while !thread.isFinished { Thread.sleep(forTimeInterval: 0.001) }
        return Double(inputs.count) / seconds
    }
}

/// Why a benchmark could not produce its figure.
struct BenchFailure: Error, CustomStringConvertible {
    var description: String
}

/// A message set by a worker thread and read by the benchmark thread.
final class FailureNote: Sendable {
    private let text = Mutex<String?>(nil)

    var message: String? { text.withLock { $0 } }

    func set(_ message: String) { text.withLock { $0 = message } }
}
