import CampaignDomain
import Foundation
import Kafka

/// One worker's poll → apply → fire → produce → commit cycle, with the partition stores it owns.
///
/// Everything here runs on the worker's thread: `run` loops there, and the consumer's revocation hook runs inside
/// `poll` or `close`, which only this class calls, on that same thread. Only applying a step's records and encoding
/// the changelog fan out: the stores are lent to `lanes` for that. A step polls while its lanes work, so everything
/// that touches the stores (the revocation hook among them) first takes them back with `finishLanes`.
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
    /// An at_least_once commit whose records are still being delivered (see `startCommit`).
    var deliveringCommit: DeliveringCommit?
    /// An exactly_once transaction being committed on its own thread (see `startTransactionCommit`).
    var committing: CommittingTransaction?
    /// Records made while a transaction was being committed, for the next one (exactly_once).
    var held: [ProducerRecord] = []
    var lastCommit = ContinuousClock.now
    /// How many threads work on the stores at once.
    let lanes: ProcessingLanes
    /// Records polled but not yet processed.
    var input = InputBuffer()
    /// The stores while a step's lanes work on them (`stores` is empty meanwhile); `finishLanes` takes them back.
    var inFlight: ProcessingLanes.Lent<BatchProcessor.Outcome>?
    /// The lanes' transaction gate while they work: whether they opened the transaction is read back from it.
    var inFlightGate: TransactionGate?
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
        self.lanes = ProcessingLanes(count: worker.config.processingThreads)
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

    /// Applies some of the waiting input, fires due timers and produces the outputs while reading more ahead, then
    /// handles rebalances and commits when the interval is up.
    func step() throws {
        try reloadPlansIfDue()
        // Some of every waiting partition's records, so that the lanes have several stores to share out.
        var byPartition = input.take(perPartition: max(100, Self.pollSize * lanes.count / max(1, input.partitionCount)))
        for (partition, records) in byPartition { byPartition[partition] = stores[partition] == nil ? nil : keepAssigned(records) }
        let now = worker.clock.now()
        let due = stores.values.contains { $0.nextDue.map { $0 <= now } ?? false }
        try settleTransactionCommit(wait: false)
        // The engine is read once into the processor: passing the property to each call copied every plan array.
        let gate = TransactionGate(producer: producer, transactional: exactlyOnce, isOpen: inTransaction, holding: committing != nil)
        let processor = BatchProcessor(worker: worker, gate: gate, engine: engine, now: now, records: byPartition)
        inFlightGate = gate
        inFlight = lanes.start(&stores, weight: { byPartition[$0]?.count ?? 0 }) { processor.process(&$0) }
        // The next records are polled while the lanes work (a revocation meanwhile takes the stores back first).
        do {
            if !exactlyOnce { try sendDeliveredCommitChangelog() }
            // A step with work does not wait for input: what it sent should be committed as soon as it is due.
            try readAhead(wait: byPartition.isEmpty && !due)
        } catch {
            try finishLanes()
            throw error
        }
        try finishLanes()
        if let reason = fatal { throw reason }  // met inside the revocation hook
        try handleRebalanceEvents()
        worker.metrics.observe(stores: stores)
        worker.health.beat()
        if !exactlyOnce { try confirmDeliveredCommit() }
        if ContinuousClock.now - lastCommit >= .milliseconds(worker.config.commitIntervalMillis) {
            if exactlyOnce { try startTransactionCommit() } else { try startCommit() }
        }
    }

    /// Waits for the lanes' work of this step, takes the stores back and counts what was done; throws the first error
    /// a lane met (the loop then rolls back). Does nothing when no work is out.
    func finishLanes() throws {
        guard let lent = inFlight.take() else { return }
        var total = BatchProcessor.Outcome()
        for outcome in lanes.finish(lent, into: &stores) { total.merge(outcome) }
        if let gate = inFlightGate.take() {
            inTransaction = gate.isOpen
            held += gate.takeHeld()
        }
        pending.merge(total.pending) { $1 }
        producer.poll()
        worker.statistics.update {
            $0.consumed += total.consumed
            $0.applied += total.applied
            $0.duplicates += total.duplicates
            $0.ignoredUnknownType += total.ignored
            $0.erased += total.erased
            $0.deadLettered += total.dead
            for (role, count) in total.produced { $0.produced[role, default: 0] += count }
        }
        if let error = total.error { throw error }
    }

    /// Records asked for per poll.
    static let pollSize = 1000

    /// Polls until a few steps' worth of records wait; when none do and `wait` is set, the first poll waits up to
    /// 50 ms for some.
    ///
    /// Stops early when the consumer has no more at hand, so a quiet input is processed as soon as it arrives.
    func readAhead(wait: Bool) throws {
        var timeout: Duration = wait && input.isEmpty ? .milliseconds(50) : .zero
        repeat {
            let records = try consumer.poll(maxRecords: Self.pollSize, timeout: timeout)
            for record in records { input.append(record) }
            guard records.count == Self.pollSize, fatal == nil else { return }
            timeout = .zero
        } while input.count < 4 * Self.pollSize * lanes.count
    }

    /// `records` without those of partitions no longer assigned (revoked after they were polled): their new owner
    /// processes them.
    ///
    /// Records of one topic-partition come in runs, so the assignment is looked up once per run; the array is
    /// returned as it is when every record is kept, the usual case.
    func keepAssigned(_ records: [ConsumerRecord]) -> [ConsumerRecord] {
        var run: (topicPartition: TopicPartition, kept: Bool)?
        var dropped = false
        for record in records where run?.topicPartition.topic != record.topic || run?.topicPartition.partition != record.partition {
            run = (record.topicPartition, assigned.contains(record.topicPartition))
            if !run!.kept { dropped = true }
        }
        return dropped ? records.filter { assigned.contains($0.topicPartition) } : records
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

