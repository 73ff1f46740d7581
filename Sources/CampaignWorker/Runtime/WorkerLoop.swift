import CampaignDomain
import Foundation
import Kafka

/// One worker's poll → apply → fire → produce → commit cycle, with the partition stores it owns.
///
/// Everything here runs on the worker's thread: `run` loops there, and the consumer's revocation hook runs inside
/// `poll` or `close`, which only this class calls, on that same thread.
final class WorkerLoop {
    let worker: Worker
    let stop: StopSignal
    let exactlyOnce: Bool
    /// Input partitions per topic (and changelog partitions): the coupon budget is shared out over them.
    let partitionCount: Int
    /// How the consumer's revocation hook finds this loop (weakly: the loop owns the consumer).
    let hook = RevocationHook()
    var producer: KafkaProducer
    var consumer: KafkaConsumer
    /// One store per input partition number (all activity topics are co-partitioned).
    var stores: [Int32: PartitionStore] = [:]
    var assigned: Set<TopicPartition> = []
    /// Next offsets processed but not yet committed.
    var pending: [TopicPartition: Int64] = [:]
    /// Whether a transaction is open (exactly_once).
    var inTransaction = false
    var lastCommit = ContinuousClock.now
    var out: [OutputRecord] = []
    /// The rules in force; replaced when plans change.
    var engine: Engine
    var plans: PlanSources
    var lastPlanCheck = ContinuousClock.now
    /// Set while the consumer is closed on purpose, so the revocation hook leaves commits to the caller.
    var closing = false
    /// Why the client pair must be recreated, when a fatal error was met where it could not be done at once.
    var fatal: KafkaError?
    /// Whether the current consumer has had its first assignment (the readiness flag waits for it).
    var joinedGroup = false
    /// Failures in a row, for backing off while the cluster is unavailable.
    var consecutiveFailures = 0

    init(worker: Worker, stop: StopSignal, engine: Engine, plans: PlanSources, partitionCount: Int) throws(KafkaError) {
        self.worker = worker
        self.stop = stop
        self.engine = engine
        self.plans = plans
        self.partitionCount = partitionCount
        self.exactlyOnce = worker.config.processingGuarantee == .exactlyOnce
        (producer, consumer) = try Self.makeClients(worker: worker, hook: hook)
        hook.loop = self
    }

    var logger: Logger { worker.logger }

    /// Creates the producer (transactional for exactly_once) and the group consumer that go together.
    static func makeClients(worker: Worker, hook: RevocationHook) throws(KafkaError) -> (KafkaProducer, KafkaConsumer) {
        let config = worker.config
        let exactlyOnce = config.processingGuarantee == .exactlyOnce
        var producerProperties = config.kafka
        producerProperties["enable.idempotence"] = producerProperties["enable.idempotence"] ?? "true"
        if exactlyOnce {
            producerProperties["transactional.id"] = worker.transactionalID
            // Kafka Streams' choice: a dead worker's open transaction blocks read_committed readers this long at most.
            producerProperties["transaction.timeout.ms"] = producerProperties["transaction.timeout.ms"] ?? "10000"
        }
        let producer = try KafkaProducer(properties: producerProperties, logHandler: worker.kafkaLogHandler)
        if exactlyOnce {
            // Fences any earlier producer with this transactional.id and aborts its open transaction.
            try producer.initTransactions(timeout: .seconds(60))
        }
        // Every topic this worker writes to, known before the first commit has to wait for it.
        let outputs = OutputRole.allCases.compactMap { config.topics.topic(for: $0) } + [config.changelogTopic]
        do {
            try producer.loadMetadata(topics: outputs, timeout: .seconds(5))
        } catch {
            // Not fatal: sending learns the same, only later.
            worker.logger.warning("producer.metadata_failed", [("error", .string(error.description))])
        }
        var consumerProperties = config.kafka
        consumerProperties["group.id"] = config.groupID
        if let instanceID = config.instanceID { consumerProperties["group.instance.id"] = instanceID }
        if exactlyOnce {
            consumerProperties["isolation.level"] = consumerProperties["isolation.level"] ?? "read_committed"
        }
        consumerProperties["statistics.interval.ms"] = consumerProperties["statistics.interval.ms"] ?? WorkerMetrics.statisticsIntervalMillis
        let consumer = try KafkaConsumer(
            properties: consumerProperties, topics: config.topics.activity, logHandler: worker.kafkaLogHandler,
            statisticsHandler: worker.metrics.consumerStatistics,
            onRevoke: { [hook] partitions, lost in hook.loop?.partitionsRevoked(partitions, lost: lost) })
        return (producer, consumer)
    }

    /// Steps until stopped, recovering from every error; then commits what is done and leaves the group.
    func run() {
        while !stop.isStopped {
            do {
                if let reason = fatal { try recreateClients(after: reason) }
                try step()
                consecutiveFailures = 0
            } catch {
                recover(from: error)
            }
        }
        shutdown()
    }

    /// Picks up plan changes from the plan path and the plans topic; a new plan set reschedules every store.
    func reloadPlansIfDue() throws {
        guard ContinuousClock.now - lastPlanCheck >= .milliseconds(worker.config.plansReloadIntervalMillis) else { return }
        lastPlanCheck = .now
        guard try plans.refresh() else { return }
        engine = worker.engine(plans: plans.catalog.plans)
        for partition in stores.keys.sorted() { stores[partition]?.rescheduleAll(engine: engine) }
        let active = engine.plans.map { "\($0.id)@\($0.version)" }
        logger.info("plans.changed", [("plans", .strings(active))])
        worker.statistics.update {
            $0.planReloads += 1
            $0.activePlans = active
        }
    }

    /// Polls one batch, applies it, fires due timers, produces the outputs and commits when the interval is up.
    func step() throws {
        try reloadPlansIfDue()
        let records = try consumer.poll(maxRecords: 1000, timeout: .milliseconds(50))
        if let reason = fatal { throw reason }  // met inside the revocation hook
        try handleRebalanceEvents()
        let now = worker.clock.now()
        // Read once: passing the property to each call copied the whole engine (every plan array) per record.
        let engine = self.engine
        var applied = 0, duplicates = 0, ignored = 0, erased = 0, dead = 0, consumed = 0
        var tally: [WorkerMetrics.ConsumedKey: Int] = [:]
        for record in records {
            // Records of partitions revoked during this poll are left to their new owner.
            guard assigned.contains(record.topicPartition), let store = stores.index(forKey: record.partition)
            else { continue }
            consumed += 1
            let input = InputRecord(
                topic: record.topic, partition: record.partition, offset: record.offset, key: record.key, value: record.value,
                traceparent: record.headers.first { $0.key == "traceparent" }?.value.map { String(decoding: $0, as: UTF8.self) })
            switch engine.decode(input) {
            case .failure(let reason):
                dead += 1
                worker.metrics.deadLettered(reason.code)
                out.append(input.deadLetter(reason))
                logger.warning("record.dead_lettered", [
                    ("topic", .string(record.topic)), ("partition", .int(Int(record.partition))), ("offset", .int(Int(record.offset))),
                    ("reason", .string(reason.code.rawValue)),
                ])
            case .success(let event):
                // Through the values' index: the key subscript moved the whole store out and back for each record.
                let outcome = stores.values[store].apply(event, now: now, engine: engine, into: &out)
                tally[WorkerMetrics.ConsumedKey(type: event.type, outcome: outcome), default: 0] += 1
                switch outcome {
                case .applied: applied += 1
                case .duplicate: duplicates += 1
                case .ignoredUnknownType: ignored += 1
                case .erased: erased += 1
                }
            }
            pending[record.topicPartition] = record.offset + 1
        }
        for partition in stores.keys.sorted() {
            guard let index = stores.index(forKey: partition) else { continue }
            stores.values[index].fireDue(now: now, engine: engine, into: &out)
        }
        worker.metrics.consumed(tally)
        worker.metrics.emitted(out, topics: worker.config.topics)
        var produced: [OutputRole: Int] = [:]
        for record in out {
            guard let topic = worker.config.topics.topic(for: record.role) else { continue }
            try send(
                ProducerRecord(
                    topic: topic, key: record.key, value: record.value,
                    headers: record.headers.map { KafkaHeader(key: $0.key, value: $0.value) }))
            produced[record.role, default: 0] += 1
        }
        out.removeAll(keepingCapacity: true)
        producer.poll()
        worker.statistics.update {
            $0.consumed += consumed
            $0.applied += applied
            $0.duplicates += duplicates
            $0.ignoredUnknownType += ignored
            $0.erased += erased
            $0.deadLettered += dead
            for (role, count) in produced { $0.produced[role, default: 0] += count }
        }
        worker.metrics.observe(stores: stores)
        worker.health.beat()
        if ContinuousClock.now - lastCommit >= .milliseconds(worker.config.commitIntervalMillis) {
            try commit()
        }
    }

    /// Sends one record, opening a transaction first when exactly_once has none open.
    func send(_ record: ProducerRecord) throws {
        if exactlyOnce, !inTransaction {
            try producer.beginTransaction()
            inTransaction = true
        }
        try producer.send(record)
    }

    /// Commits what is done, then closes the consumer (leaving the group) and the producer.
    func shutdown() {
        do {
            try commit()
        } catch {
            logger.warning("worker.final_commit_failed", [("error", .string("\(error)"))])
            try? rollBackAndRewind(because: error, rewind: false)
        }
        closing = true
        consumer.close()
        closing = false
        if !exactlyOnce { try? producer.flush(timeout: .seconds(30)) }
        worker.statistics.update { $0.running = false }
    }
}

/// Lets the consumer's revocation hook reach the loop that owns the consumer, without a reference cycle.
///
/// `@unchecked Sendable`: `loop` is set once, right after the loop is made, and then only read, and it is only read
/// inside librdkafka's rebalance callback, which runs on the thread that calls `poll` or `close` — the worker's
/// thread, where the loop lives.
final class RevocationHook: @unchecked Sendable {
    weak var loop: WorkerLoop?
}
