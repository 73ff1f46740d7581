import CampaignDomain
import Foundation
import Kafka
import Synchronization

/// `campaign-worker demo`: the real worker against librdkafka's embedded mock cluster, with synthetic members living
/// through a year on a fast virtual clock, printing jobs as they are emitted and a summary per plan at the end.
public struct Demo: Sendable {
    public var members: Int
    /// Wall-clock seconds one virtual year takes.
    public var yearSeconds: Double
    public var plansPath: String
    public var quiet: Bool

    public init(members: Int = 3000, yearSeconds: Double = 40, plansPath: String = "examples/plans", quiet: Bool = false) {
        self.members = members
        self.yearSeconds = yearSeconds
        self.plansPath = plansPath
        self.quiet = quiet
    }

    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    public func run(logger: Logger) throws(Failure) -> DemoSummary {
        do {
            return try runOrThrow(logger: logger)
        } catch let failure as Failure {
            throw failure
        } catch {
            throw Failure(description: "\(error)")
        }
    }

    private func runOrThrow(logger: Logger) throws -> DemoSummary {
        let loaded = PlanLoader.load(path: plansPath)
        guard loaded.errors.isEmpty, !loaded.plans.isEmpty else {
            throw Failure(description: "cannot load the demo plans from \(plansPath): \(loaded.errors.map(\.description).joined(separator: "; ")); run the demo from the repository root or pass --plans")
        }
        let start = Instant(epochSeconds: 1_767_196_800)  // 2026-01-01T00:00:00+08:00
        let end = Instant(epochSeconds: 1_798_732_800)  // 2027-01-01T00:00:00+08:00
        let quietKafka: KafkaLogHandler = { level, facility, message in
            if level <= 3 { logger.log(.error, "librdkafka", [("facility", .string(facility)), ("message", .string(message))]) }
        }
        let cluster = try MockKafkaCluster(brokers: 1, logHandler: quietKafka)
        cluster.setGroupInitialRebalanceDelay(.milliseconds(100))
        var config = WorkerConfig()
        config.kafka = ["bootstrap.servers": cluster.bootstrapServers, "session.timeout.ms": "6000", "heartbeat.interval.ms": "500"]
        config.groupID = "campaign-worker-demo"
        config.topics.plans = nil
        // The virtual clock runs a year in under a minute, so a poll cycle is hours of virtual time.
        config.programme.maxLateness = ISODuration("P30D")
        for topic in config.topics.activity { try cluster.createTopic(topic, partitions: 4) }
        // The mock cluster has no CreateTopics API, so the worker's changelog is made here.
        try cluster.createTopic(config.changelogTopic, partitions: 4)
        var outputs: [(name: String, partitions: Int)] = []
        for role in OutputRole.allCases {
            guard let topic = config.topics.topic(for: role) else { continue }
            outputs.append((topic, role == .deadLetters ? 1 : 4))
            try cluster.createTopic(topic, partitions: outputs.last!.partitions)
        }

        let population = DemoPopulation(members: members, start: start, end: end)
        let clock = AnchoredClock(start: start, rate: Double(end.epochMillis - start.epochMillis) / (yearSeconds * 1000))
        let worker = Worker(config: config, plans: loaded.plans, clock: clock, logger: Logger(minimumLevel: .warning))
        let stopWorker = StopSignal()
        let workerError = Mutex<Worker.Failure?>(nil)
        let workerThread = Thread {
            do throws(Worker.Failure) { try worker.run(until: stopWorker) } catch { workerError.withLock { $0 = error } }
        }
        workerThread.start()
        print("campaign-worker demo: \(members) synthetic members, plans \(loaded.plans.map(\.id).joined(separator: ", ")), one year in about \(Int(yearSeconds)) s")
        // The virtual year starts once the worker has joined its group and owns partitions.
        let joinDeadline = Date().addingTimeInterval(30)
        while worker.statistics.snapshot.assignedPartitions.isEmpty {
            if let error = workerError.withLock({ $0 }) { throw Failure(description: "the worker stopped: \(error)") }
            guard Date() < joinDeadline else { throw Failure(description: "the worker did not join its consumer group within 30 s") }
            Thread.sleep(forTimeInterval: 0.05)
        }
        clock.anchor()

        let printer = try JobPrinter(bootstrap: cluster.bootstrapServers, topics: outputs, quiet: quiet, zone: config.programme.timeZone, logHandler: quietKafka)
        let producer = try KafkaProducer(properties: ["bootstrap.servers": cluster.bootstrapServers, "linger.ms": "5"], logHandler: quietKafka)
        var next = 0
        let events = population.events
        while next < events.count || clock.now() < end {
            let now = clock.now()
            while next < events.count, events[next].time <= now {
                try producer.send(ProducerRecord(topic: config.topics.activity[0], key: Array(events[next].key.utf8), value: events[next].value))
                next += 1
            }
            producer.poll()
            try printer.drain()
            if let error = workerError.withLock({ $0 }) { throw Failure(description: "the worker stopped: \(error)") }
            Thread.sleep(forTimeInterval: 0.02)
        }
        try producer.flush(timeout: .seconds(30))
        // Let the worker consume the tail and commit, then stop it.
        let drainDeadline = Date().addingTimeInterval(30)
        while worker.statistics.snapshot.consumed < events.count, Date() < drainDeadline {
            try printer.drain()
            Thread.sleep(forTimeInterval: 0.05)
        }
        stopWorker.stop()
        while !workerThread.isFinished { Thread.sleep(forTimeInterval: 0.02) }
        if let error = workerError.withLock({ $0 }) { throw Failure(description: "the worker stopped: \(error)") }
        try printer.drainToEnd()
        let statistics = worker.statistics.snapshot
        return DemoSummary(plans: loaded.plans.map(\.id), printer: printer.tally, produced: events.count, worker: statistics)
    }
}

/// A virtual clock that stands at its start until `anchor()` is called, then runs at `rate`.
final class AnchoredClock: WorkerClock {
    let start: Instant
    let rate: Double
    private let anchorMillis = Atomic<Int64>(Int64.min)

    init(start: Instant, rate: Double) {
        self.start = start
        self.rate = rate
    }

    func anchor() { anchorMillis.store(SystemClock().now().epochMillis, ordering: .releasing) }

    func now() -> Instant {
        let anchor = anchorMillis.load(ordering: .acquiring)
        guard anchor != Int64.min else { return start }
        return start.adding(millis: Int64((Double(SystemClock().now().epochMillis - anchor) * rate).rounded(.down)))
    }
}
