import CampaignDomain
import Foundation
import Kafka

/// Assignment: a newly assigned partition's store is restored from the changelog before any of its input is used.
extension WorkerLoop {
    /// Applies the rebalance events of the last poll, then restores every assigned partition that has no store.
    func handleRebalanceEvents() throws {
        for event in consumer.takeRebalanceEvents() {
            switch event {
            case .assigned(let partitions):
                joinedGroup = true
                worker.health.joinedGroup()
                // Not a reason to touch `input`: the poll that assigned them may already have returned their first
                // records (waiting in `input` now), and records of an earlier assignment went when it was revoked.
                assigned.formUnion(partitions)
                // Where each partition resumes: its committed offset (-1001 when none, then from the beginning).
                let committed = (try? consumer.committed(partitions, timeout: .seconds(10))) ?? []
                logger.info("partitions.assigned", [
                    ("partitions", .strings(partitions.map { "\($0.topic)-\($0.partition)" })),
                    ("committedOffsets", .strings(committed.map { "\($0.partition):\($0.offset)" })),
                ])
            case .revoked(let partitions), .lost(let partitions):
                drop(partitions)  // the revocation hook already committed or rolled back their work
                logger.info("partitions.revoked", [
                    ("partitions", .strings(partitions.map { "\($0.topic)-\($0.partition)" })),
                    ("lost", .bool({ if case .lost = event { true } else { false } }())),
                ])
            }
        }
        let names = assigned.sorted().map { "\($0.topic)-\($0.partition)" }
        worker.statistics.update { $0.assignedPartitions = names }
        try restoreMissingStores()
        // Running (and so ready) once the group is joined and what it handed over is restored.
        if joinedGroup { worker.statistics.update { $0.running = true } }
    }

    /// Restores the store of every assigned partition number that has none (new, or a restore that failed).
    func restoreMissingStores() throws {
        let missing = Set(assigned.map(\.partition)).subtracting(stores.keys).sorted()
        guard !missing.isEmpty else { return }
        // Keep the open transaction short: a restore can take a while.
        try commit()
        worker.statistics.update { $0.restoringPartitions = missing }
        worker.health.setRestoring(assigned.filter { missing.contains($0.partition) })
        defer {
            worker.statistics.update { $0.restoringPartitions = [] }
            worker.health.setRestoring([])
        }
        for (partition, store) in try restore(partitions: missing) {
            stores[partition] = store
        }
    }

    /// Reads the partitions' changelog from the beginning to its end (committed records only) into new stores.
    ///
    /// One reader for all of them, so a restart that is handed every partition pays for one client start-up.
    func restore(partitions: [Int32]) throws -> [Int32: PartitionStore] {
        let topic = worker.config.changelogTopic
        let started = ContinuousClock.now
        var properties = worker.config.kafka
        properties["isolation.level"] = "read_committed"
        let reader = try KafkaReader(
            properties: properties,
            partitions: partitions.map { TopicPartitionOffset(topic: topic, partition: $0, offset: TopicPartitionOffset.beginning) },
            logHandler: worker.kafkaLogHandler)
        logger.info("restore.started", [("topic", .string(topic)), ("partitions", .strings(partitions.map(String.init)))])
        var stores: [Int32: PartitionStore] = [:]
        for partition in partitions { stores[partition] = PartitionStore(partition: Int(partition), partitionCount: partitionCount) }
        var records = 0
        var undecodable = 0
        // One decoder for the whole restore: it shares profiles, zones and plan ids between records.
        var decoder = MemberStateCodec.Decoder()
        // Progress for the restore_remaining_records gauge: each partition's end, and how far the restore got.
        let ends = (try? reader.endOffsets(timeout: .seconds(10))) ?? [:]
        var reached: [Int32: Int64] = [:]
        func reportRemaining() {
            for partition in partitions {
                let end = ends[TopicPartition(topic: topic, partition: partition)] ?? 0
                worker.metrics.restoreRemaining(max(0, end - (reached[partition] ?? 0)), partition: partition)
            }
        }
        reportRemaining()
        defer { for partition in partitions { worker.metrics.restoreRemaining(nil, partition: partition) } }
        while true {
            let complete = try reader.readToEnd(timeout: .seconds(5)) { batch in
                for record in batch { reached[record.partition] = record.offset + 1 }
                reportRemaining()
                for record in batch {
                    records += 1
                    guard let key = record.key, stores[record.partition] != nil else { continue }
                    if key == PartitionBudgetCodec.key {
                        do throws(MemberStateDecodingError) {
                            try stores[record.partition]?.restoreBudget(record.value ?? [])
                        } catch {
                            logger.error("restore.undecodable", [
                                ("topic", .string(topic)), ("partition", .int(Int(record.partition))), ("offset", .int(Int(record.offset))),
                                ("error", .string(error.description)),
                            ])
                        }
                        continue
                    }
                    let memberID = String(decoding: key, as: UTF8.self)
                    guard let value = record.value else {
                        stores[record.partition]?.remove(memberID)
                        continue
                    }
                    do throws(MemberStateDecodingError) {
                        let decoded = try decoder.decode(value)
                        guard decoded.member.id == memberID else {
                            throw MemberStateDecodingError(.invalidValue("member id differs from the record key"), field: "id")
                        }
                        stores[record.partition]?.restore(decoded.member, schedule: decoded.schedule, engine: engine)
                    } catch {
                        undecodable += 1
                        stores[record.partition]?.remove(memberID)
                        logger.error("restore.undecodable", [
                            ("topic", .string(topic)), ("partition", .int(Int(record.partition))), ("offset", .int(Int(record.offset))),
                            ("memberId", .string(memberID)), ("error", .string(error.description)),
                        ])
                    }
                }
            }
            if complete { break }
            // Still short of the end: a large changelog, or another producer's open transaction holding it back.
            logger.info("restore.progress", [
                ("topic", .string(topic)), ("records", .int(records)),
                ("members", .int(stores.values.reduce(0) { $0 + $1.memberCount })),
            ])
            if stop.isStopped { throw KafkaError(operation: "restore \(topic)", message: "stopped before the restore finished") }
        }
        let now = worker.clock.now()
        // Due times stored under other plans (or by an older version) are computed again; the rest are kept.
        var rescheduled = 0
        for partition in partitions { rescheduled += stores[partition]?.completeRestore(now: now, engine: engine) ?? 0 }
        let members = stores.values.reduce(0) { $0 + $1.memberCount }
        let elapsed = started.duration(to: .now)
        logger.info("restore.finished", [
            ("topic", .string(topic)), ("partitions", .strings(partitions.map(String.init))), ("records", .int(records)),
            ("members", .int(members)), ("rescheduled", .int(rescheduled)), ("undecodable", .int(undecodable)),
            ("millis", .int(Int(elapsed.components.seconds * 1000 + elapsed.components.attoseconds / 1_000_000_000_000_000))),
        ])
        worker.statistics.update { $0.restoredMembers += members }
        return stores
    }
}
