import CampaignDomain
import Foundation
import Kafka

/// The worker: consumes member activity, applies it to partition stores, fires timers and produces jobs.
///
/// Member state lives in one store per assigned input partition, backed by the compacted changelog topic: every
/// change is written there, and a partition's store is restored from it before any of its input is processed.
/// With `exactly_once` (the default) outputs, changelog updates and input offsets commit in one transaction per
/// commit interval; with `at_least_once` offsets are committed after everything they caused is delivered.
/// - Important: `run` blocks its thread with librdkafka calls; start it on a dedicated thread, not a Swift task.
public final class Worker: Sendable {
    public let config: WorkerConfig
    /// Plans to run when `config.plansPath` is not set (the demo and tests hand them over directly).
    public let initialPlans: [Plan]
    public let clock: any WorkerClock
    public let logger: Logger
    public let statistics = WorkerStatistics()
    /// Prometheus metrics (served at `/metrics`).
    public let metrics = WorkerMetrics()
    /// Liveness and readiness (served at `/healthz` and `/readyz`).
    public let health = WorkerHealth()
    /// The producer's `transactional.id` (exactly_once), fixed for the life of the process.
    public let transactionalID: String

    public init(config: WorkerConfig, plans: [Plan], clock: any WorkerClock, logger: Logger) {
        self.config = config
        self.initialPlans = plans
        self.clock = clock
        self.logger = logger
        self.transactionalID = config.transactionalID(fallback: UUID().uuidString.lowercased())
        metrics.collect(from: statistics)
    }

    /// Errors that stop the worker, each saying what to do.
    public enum Failure: Error, CustomStringConvertible {
        case kafka(KafkaError)
        case missingTopic(String)
        case notCoPartitioned([String: Int])
        /// The changelog exists with another partition count than the input topics.
        case changelogNotCoPartitioned(changelog: String, partitions: Int, inputPartitions: Int)
        case invalidPlans([PlanError])

        public var description: String {
            switch self {
            case .kafka(let error): error.description
            case .missingTopic(let topic): "input topic \(topic) does not exist; create it or fix topics.activity"
            case .notCoPartitioned(let counts):
                "input topics must have the same partition count (co-partitioned), but have \(counts.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ", ")); repartition them or run one worker group per topic"
            case .changelogNotCoPartitioned(let changelog, let partitions, let inputPartitions):
                "the member-state changelog \(changelog) has \(partitions) partitions but the input topics have \(inputPartitions); they must be co-partitioned. Give the input topics \(partitions) partitions again, or use a new groupId (its changelog is created to match; members then start from empty state)"
            case .invalidPlans(let errors):
                "\(errors.count) plan error(s): \(errors.map(\.description).joined(separator: "; ")); fix the plans or set plans.skipInvalidAtStart"
            }
        }
    }

    /// The engine for a plan set. Decision records are always built, since the metrics count them; with
    /// topics.decisions null the loop drops them.
    func engine(plans: [Plan]) -> Engine {
        var engine = config.engine(plans: plans)
        engine.decisionsEnabled = true
        return engine
    }

    /// Properties for every client: the configured librdkafka properties as given.
    var clientProperties: [String: String] { config.kafka }

    /// Runs until `stop` is set, then commits what is done and leaves the group.
    ///
    /// Broker and transaction errors while running never end it: the batch is rolled back and re-processed, or the
    /// client pair is recreated. It throws only for start-up problems an operator must fix.
    public func run(until stop: StopSignal) throws(Failure) {
        do {
            let admin = try KafkaAdmin(properties: clientProperties, logHandler: kafkaLogHandler)
            let partitionCount = try prepareTopics(admin)
            let plans = try PlanSources(worker: self, admin: admin)
            let engine = engine(plans: plans.catalog.plans)
            let loop = try WorkerLoop(worker: self, stop: stop, engine: engine, plans: plans, partitionCount: partitionCount)
            logger.info("worker.started", [
                ("groupId", .string(config.groupID)), ("topics", .strings(config.topics.activity)),
                ("changelog", .string(config.changelogTopic)),
                ("plans", .strings(engine.plans.map { "\($0.id)@\($0.version)" })),
                ("processingGuarantee", .string(config.processingGuarantee.rawValue)),
            ])
            statistics.update { $0.activePlans = engine.plans.map { "\($0.id)@\($0.version)" } }
            loop.run()
            logger.info("worker.stopped", [("commits", .int(statistics.snapshot.commits))])
        } catch let error as KafkaError {
            throw .kafka(error)
        } catch let failure as Failure {
            throw failure
        } catch {
            throw .kafka(KafkaError(operation: "run", message: "\(error)"))
        }
    }

    /// Checks that the input topics exist and are co-partitioned, creates the changelog to match when missing, and
    /// returns the partition count.
    func prepareTopics(_ admin: KafkaAdmin) throws -> Int {
        var counts: [String: Int] = [:]
        for topic in config.topics.activity {
            guard let count = try admin.partitionCount(topic: topic, timeout: .seconds(10)) else { throw Failure.missingTopic(topic) }
            counts[topic] = count
        }
        if Set(counts.values).count > 1 { throw Failure.notCoPartitioned(counts) }
        guard let inputPartitions = counts.values.first else { return 1 }
        let changelog = config.changelogTopic
        var changelogPartitions = try admin.partitionCount(topic: changelog, timeout: .seconds(10))
        if changelogPartitions == nil {
            logger.info("changelog.creating", [("topic", .string(changelog)), ("partitions", .int(inputPartitions))])
            try admin.createTopics(
                [NewTopic(name: changelog, partitions: inputPartitions, config: ["cleanup.policy": "compact"])], timeout: .seconds(30))
            let deadline = ContinuousClock.now.advanced(by: .seconds(30))
            while changelogPartitions == nil, ContinuousClock.now < deadline {
                changelogPartitions = try admin.partitionCount(topic: changelog, timeout: .seconds(10))
                if changelogPartitions == nil { Thread.sleep(forTimeInterval: 0.2) }
            }
        }
        guard let changelogPartitions else {
            throw KafkaError(operation: "create topic \(changelog)", message: "the topic did not appear in metadata within 30 s; create it (compacted, \(inputPartitions) partitions) and start again")
        }
        if changelogPartitions != inputPartitions {
            throw Failure.changelogNotCoPartitioned(changelog: changelog, partitions: changelogPartitions, inputPartitions: inputPartitions)
        }
        return inputPartitions
    }

    /// librdkafka's own log lines, as structured log lines.
    var kafkaLogHandler: KafkaLogHandler {
        let logger = self.logger
        return { level, facility, message in
            var mapped: Logger.Level = level <= 3 ? .error : level == 4 ? .warning : level <= 6 ? .info : .debug
            // One config is shared by producer, consumer and admin, so "consumer property ignored by producer" is expected.
            if facility == "CONFWARN", mapped == .warning { mapped = .info }
            logger.log(mapped, "librdkafka", [("facility", .string(facility)), ("message", .string(message))])
        }
    }
}
