import CampaignDomain
import Kafka

/// One worker's poll → apply → fire → produce → commit cycle, with the partition stores it owns.
struct WorkerLoop {
    let worker: Worker
    let producer: KafkaProducer
    let consumer: KafkaConsumer
    /// One store per input partition number (all activity topics are co-partitioned).
    var stores: [Int32: PartitionStore] = [:]
    var assigned: Set<TopicPartition> = []
    /// Next offsets processed but not yet committed.
    var pending: [TopicPartition: Int64] = [:]
    var lastCommit = ContinuousClock.now
    var out: [OutputRecord] = []
    /// The rules in force; replaced when plans change.
    var engine: Engine
    var plans: PlanSources
    var lastPlanCheck = ContinuousClock.now

    init(worker: Worker, producer: KafkaProducer, consumer: KafkaConsumer, engine: Engine, plans: PlanSources) {
        self.worker = worker
        self.producer = producer
        self.consumer = consumer
        self.engine = engine
        self.plans = plans
    }

    /// Picks up plan changes from the plan path and the plans topic; a new plan set reschedules every store.
    mutating func reloadPlansIfDue() throws {
        guard ContinuousClock.now - lastPlanCheck >= .milliseconds(worker.config.plansReloadIntervalMillis) else { return }
        lastPlanCheck = .now
        guard try plans.refresh() else { return }
        engine = worker.engine(plans: plans.catalog.plans)
        for partition in stores.keys.sorted() { stores[partition]!.rescheduleAll(engine: engine) }
        let active = engine.plans.map { "\($0.id)@\($0.version)" }
        worker.logger.info("plans.changed", [("plans", .strings(active))])
        worker.statistics.update {
            $0.planReloads += 1
            $0.activePlans = active
        }
    }

    mutating func step() throws {
        try reloadPlansIfDue()
        let records = try consumer.poll(maxRecords: 1000, timeout: .milliseconds(50))
        handleRebalance()
        let now = worker.clock.now()
        var applied = 0, duplicates = 0, ignored = 0, erased = 0, dead = 0
        for record in records {
            let input = InputRecord(
                topic: record.topic, partition: record.partition, offset: record.offset, key: record.key, value: record.value,
                traceparent: record.headers.first { $0.key == "traceparent" }?.value.map { String(decoding: $0, as: UTF8.self) })
            switch engine.decode(input) {
            case .failure(let reason):
                dead += 1
                worker.metrics.deadLettered(reason.code)
                out.append(input.deadLetter(reason))
                worker.logger.warning("record.dead_lettered", [
                    ("topic", .string(record.topic)), ("partition", .int(Int(record.partition))), ("offset", .int(Int(record.offset))),
                    ("reason", .string(reason.code.rawValue)),
                ])
            case .success(let event):
                let outcome = stores[record.partition, default: PartitionStore()].apply(event, now: now, engine: engine, into: &out)
                worker.metrics.consumed(event, outcome)
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
            stores[partition]!.fireDue(now: now, engine: engine, into: &out)
        }
        worker.metrics.emitted(out, topics: worker.config.topics)
        var produced: [OutputRole: Int] = [:]
        for record in out {
            guard let topic = worker.config.topics.topic(for: record.role) else { continue }
            try producer.send(
                ProducerRecord(
                    topic: topic, key: record.key, value: record.value,
                    headers: record.headers.map { KafkaHeader(key: $0.key, value: $0.value) }))
            produced[record.role, default: 0] += 1
        }
        out.removeAll(keepingCapacity: true)
        producer.poll()
        worker.statistics.update {
            $0.consumed += records.count
            $0.applied += applied
            $0.duplicates += duplicates
            $0.ignoredUnknownType += ignored
            $0.erased += erased
            $0.deadLettered += dead
            for (role, count) in produced { $0.produced[role, default: 0] += count }
        }
        worker.metrics.observe(stores: stores)
        worker.health.beat()
        if !pending.isEmpty, ContinuousClock.now - lastCommit >= .milliseconds(worker.config.commitIntervalMillis) {
            try commit()
        }
    }

    /// Waits for every produced record to be delivered, then commits the offsets that caused them.
    mutating func commit() throws {
        try producer.flush(timeout: .seconds(60))
        if !pending.isEmpty {
            let offsets = pending.map { TopicPartitionOffset($0.key, offset: $0.value) }.sorted { $0.topicPartition < $1.topicPartition }
            try consumer.commit(offsets)
            pending.removeAll()
            worker.statistics.update { $0.commits += 1 }
        }
        lastCommit = .now
    }

    mutating func handleRebalance() {
        for event in consumer.takeRebalanceEvents() {
            switch event {
            case .assigned(let partitions):
                worker.health.joinedGroup()
                assigned.formUnion(partitions)
                for partition in partitions where stores[partition.partition] == nil {
                    stores[partition.partition] = PartitionStore()
                }
                worker.logger.info("partitions.assigned", [("partitions", .strings(partitions.map { "\($0.topic)-\($0.partition)" }))])
            case .revoked(let partitions), .lost(let partitions):
                assigned.subtract(partitions)
                for partition in partitions {
                    pending[partition] = nil
                    if !assigned.contains(where: { $0.partition == partition.partition }) { stores[partition.partition] = nil }
                }
                worker.logger.info("partitions.revoked", [("partitions", .strings(partitions.map { "\($0.topic)-\($0.partition)" }))])
            }
        }
        let names = assigned.sorted().map { "\($0.topic)-\($0.partition)" }
        worker.statistics.update { $0.assignedPartitions = names }
    }
}
