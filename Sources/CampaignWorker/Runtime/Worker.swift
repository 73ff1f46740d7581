import CampaignDomain
import Foundation
import Kafka

/// The worker: consumes member activity, applies it to partition stores, fires timers and produces jobs.
///
/// At-least-once in this release: input offsets are committed only after every record they caused is delivered.
/// Member state lives in memory per assigned input partition (changelog-backed state comes with exactly-once).
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

    public init(config: WorkerConfig, plans: [Plan], clock: any WorkerClock, logger: Logger) {
        self.config = config
        self.initialPlans = plans
        self.clock = clock
        self.logger = logger
        metrics.collect(from: statistics)
    }

    /// Errors that stop the worker, each saying what to do.
    public enum Failure: Error, CustomStringConvertible {
        case kafka(KafkaError)
        case missingTopic(String)
        case notCoPartitioned([String: Int])
        case invalidPlans([PlanError])

        public var description: String {
            switch self {
            case .kafka(let error): error.description
            case .missingTopic(let topic): "input topic \(topic) does not exist; create it or fix topics.activity"
            case .notCoPartitioned(let counts):
                "input topics must have the same partition count (co-partitioned), but have \(counts.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ", ")); repartition them or run one worker group per topic"
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
    public func run(until stop: StopSignal) throws(Failure) {
        do {
            let admin = try KafkaAdmin(properties: clientProperties, logHandler: kafkaLogHandler)
            try checkInputTopics(admin)
            var plans = try PlanSources(worker: self, admin: admin)
            var producerProperties = clientProperties
            producerProperties["enable.idempotence"] = producerProperties["enable.idempotence"] ?? "true"
            let producer = try KafkaProducer(properties: producerProperties, logHandler: kafkaLogHandler)
            var consumerProperties = clientProperties
            consumerProperties["group.id"] = config.groupID
            if let instanceID = config.instanceID { consumerProperties["group.instance.id"] = instanceID }
            consumerProperties["statistics.interval.ms"] = consumerProperties["statistics.interval.ms"] ?? WorkerMetrics.statisticsIntervalMillis
            let consumer = try KafkaConsumer(
                properties: consumerProperties, topics: config.topics.activity, logHandler: kafkaLogHandler,
                statisticsHandler: metrics.consumerStatistics)
            let engine = engine(plans: plans.catalog.plans)
            logger.info("worker.started", [
                ("groupId", .string(config.groupID)), ("topics", .strings(config.topics.activity)),
                ("plans", .strings(engine.plans.map { "\($0.id)@\($0.version)" })), ("processingGuarantee", .string(config.processingGuarantee.rawValue)),
            ])
            statistics.update { $0.activePlans = engine.plans.map { "\($0.id)@\($0.version)" } }
            var loop = WorkerLoop(worker: self, producer: producer, consumer: consumer, engine: engine, plans: plans)
            defer { consumer.close() }
            while !stop.isStopped {
                try loop.step()
            }
            try loop.commit()
            logger.info("worker.stopped", [("commits", .int(statistics.snapshot.commits))])
        } catch let error as KafkaError {
            throw .kafka(error)
        } catch let failure as Failure {
            throw failure
        } catch {
            throw .kafka(KafkaError(operation: "run", message: "\(error)"))
        }
    }

    func checkInputTopics(_ admin: KafkaAdmin) throws {
        var counts: [String: Int] = [:]
        for topic in config.topics.activity {
            guard let count = try admin.partitionCount(topic: topic, timeout: .seconds(10)) else { throw Failure.missingTopic(topic) }
            counts[topic] = count
        }
        if Set(counts.values).count > 1 { throw Failure.notCoPartitioned(counts) }
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
