import CampaignDomain
import Foundation
import Kafka

/// Commits, and what happens when one fails.
///
/// exactly_once: the outputs of a commit interval, the changelog records of the members they changed and the input
/// offsets that caused them go into one transaction, committed on a thread of its own (`startTransactionCommit`)
/// while the loop goes on, holding what it makes for the next one. An error that only needs the transaction aborted
/// rolls the stores back to the last commit that succeeded and rewinds the input to the committed offsets, so the
/// work is redone; a fatal
/// error (e.g. this producer was fenced) recreates the producer/consumer pair. at_least_once does the same without
/// transactions: offsets are committed once the producer has delivered everything they caused. It does not wait for
/// that: `startCommit` encodes the changelog records, marks where the commit's outputs end and goes on processing;
/// `confirmDeliveredCommit` sends the changelog records once those outputs are delivered, and commits the offsets once
/// the changelog records are delivered too. A delivery failure meanwhile rolls the stores back past both (the store
/// keeps the state before the commit point until it is confirmed).
///
/// The changelog waits for the outputs because a restored state remembers what fired: were a member's changelog
/// record delivered while a job of its firing was not (records to different partitions, e.g. on different brokers,
/// are delivered independently), a crash would leave a successor that never sends that job.
extension WorkerLoop {
    /// An at_least_once commit waiting for its records' delivery reports.
    struct DeliveringCommit {
        /// Where the records awaited end in what the producer sent: the commit's outputs, then (once `changelog` is
        /// sent) its changelog records.
        var mark: DeliveryMark
        /// The commit's changelog records, encoded at its start and sent once its outputs are delivered; empty
        /// after that.
        var changelog: [ProducerRecord]
        /// The input offsets to commit once they are delivered.
        var offsets: [TopicPartition: Int64]
        var changelogRecords: Int
        /// Records consumed when the commit started (what `consumedAtLastCommit` becomes).
        var consumed: Int
        var started: ContinuousClock.Instant?
    }

    /// An exactly_once transaction being committed on its own thread, with what its commit records.
    struct CommittingTransaction {
        let committer: TransactionCommitter
        var changelogRecords: Int
        /// Records consumed when the commit started (what `consumedAtLastCommit` becomes).
        var consumed: Int
    }

    /// Commits everything processed so far, with the changelog records of every member it changed, and waits until
    /// it is done (a commit already under way is included).
    ///
    /// Used at a revocation and at shutdown; every interval, `startTransactionCommit` or `startCommit` commits without
    /// stopping the loop.
    func commit() throws {
        if exactlyOnce {
            try settleTransactionCommit(wait: true)
            try startTransactionCommit()
            try settleTransactionCommit(wait: true)
            return
        }
        let delivering = deliveringCommit
        guard stores.values.contains(where: { $0.hasPendingChanges }) || !pending.isEmpty || delivering != nil else {
            lastCommit = .now
            return
        }
        // The outputs first, then the changelog records (the commit under way's, then the newer ones): a changelog
        // record is never delivered ahead of a job it implies.
        try producer.flush(timeout: .seconds(60))
        for record in delivering?.changelog ?? [] { try producer.send(record) }
        let changelogRecords = try writeChangelog()
        let offsets = Self.sorted((delivering?.offsets ?? [:]).merging(pending) { $1 })
        let started = logCommit("commit.started", partitions: offsets.count, changelogRecords: changelogRecords)
        try producer.flush(timeout: .seconds(60))
        try consumer.commit(offsets)
        logCommit("commit.finished", partitions: offsets.count, changelogRecords: changelogRecords, since: started)
        forEachStore { $0.checkpoint() }
        pending.removeAll()
        deliveringCommit = nil
        lastCommit = .now
        countCommit(consumed: nil, changelogRecords: changelogRecords + (delivering?.changelogRecords ?? 0))
    }

    /// exactly_once: puts the changelog records and the input offsets into the open transaction and commits it on a
    /// thread of its own; the loop goes on applying records, whose outputs wait for the next transaction.
    ///
    /// The stores mark a commit point, confirmed when the commit succeeds (`settleTransactionCommit`); a failure rolls
    /// them back past it. While one transaction is being committed the next waits.
    func startTransactionCommit() throws {
        guard committing == nil else { return }
        guard inTransaction || stores.values.contains(where: { $0.hasPendingChanges }) || !pending.isEmpty else {
            lastCommit = .now
            return
        }
        let changelogRecords = try writeChangelog()
        let offsets = Self.sorted(pending)
        if !offsets.isEmpty {
            try openTransaction()
            try producer.sendOffsetsToTransaction(offsets, consumer: consumer, timeout: .seconds(30))
        }
        guard inTransaction else {
            // Changes that sent nothing (e.g. a timer that found nothing to fire): nothing to commit but the stores.
            forEachStore { $0.checkpoint() }
            pending.removeAll()
            lastCommit = .now
            countCommit(consumed: nil, changelogRecords: changelogRecords)
            return
        }
        let started = logCommit("commit.started", partitions: offsets.count, changelogRecords: changelogRecords)
        forEachStore { $0.markCommitPoint() }
        let producer = self.producer, logger = self.logger, partitions = offsets.count
        committing = CommittingTransaction(
            committer: TransactionCommitter { () throws(KafkaError) in
                try Self.commitTransaction(producer, logger: logger)
                // Logged as soon as it returns (nothing is sent before the loop sees it), which keeps the drills' span of
                // unfinished commits after a kill as short as it can be.
                Self.logCommit(logger, "commit.finished", partitions: partitions, changelogRecords: changelogRecords, since: started)
            },
            changelogRecords: changelogRecords, consumed: worker.statistics.snapshot.consumed)
        inTransaction = false
        pending.removeAll()
        lastCommit = .now
    }

    /// exactly_once: once the transaction being committed has an outcome (or, with `wait`, after waiting for it),
    /// sends the held records into a new transaction, or throws the commit's error (the loop then aborts the
    /// transaction and rolls back past the commit point).
    func settleTransactionCommit(wait: Bool) throws {
        guard let outcome = takeCommitOutcome(wait: wait) else { return }
        let records = held
        held = []
        if case .failed(let error) = outcome { throw error }
        if !records.isEmpty {
            try openTransaction()
            for record in records { try producer.send(record) }
        }
    }

    /// Takes the outcome of the transaction being committed, once there is one (or, with `wait`, after waiting for
    /// it): a committed one's commit point stands (the stores confirm it and it is counted; its thread logged it); a
    /// failed one is this producer's open transaction again, for the roll-back to abort. Nil while it runs, or when
    /// none does.
    private func takeCommitOutcome(wait: Bool) -> TransactionCommitter.Outcome? {
        guard let current = committing, let outcome = wait ? current.committer.wait() : current.committer.result else { return nil }
        committing = nil
        switch outcome {
        case .committed:
            worker.metrics.transactionEnded(committed: true)
            forEachStore { $0.confirmCommitPoint() }
            countCommit(consumed: current.consumed, changelogRecords: current.changelogRecords)
        case .failed:
            inTransaction = true
        }
        return outcome
    }

    /// at_least_once: encodes the changelog records of what was processed since the last commit and marks where the
    /// commit's outputs end, without waiting for their delivery; `confirmDeliveredCommit` finishes it.
    ///
    /// While one commit is being delivered the next waits (the stores keep one commit point at a time).
    func startCommit() throws {
        guard deliveringCommit == nil else { return }
        guard stores.values.contains(where: { $0.hasPendingChanges }) || !pending.isEmpty else {
            lastCommit = .now
            return
        }
        let changelog = encodeChangelog()
        let started = logCommit("commit.started", partitions: pending.count, changelogRecords: changelog.count)
        let mark = producer.mark()
        forEachStore { $0.markCommitPoint() }
        deliveringCommit = DeliveringCommit(
            mark: mark, changelog: changelog, offsets: pending, changelogRecords: changelog.count,
            consumed: worker.statistics.snapshot.consumed, started: started)
        pending.removeAll()
        lastCommit = .now
    }

    /// at_least_once: sends the changelog records of the commit being delivered once its outputs are delivered, and
    /// throws the first delivery failure.
    ///
    /// Touches no store, so the loop calls it while the lanes work too.
    func sendDeliveredCommitChangelog() throws {
        producer.poll()
        if let failure = producer.takeDeliveryError() { throw failure }
        guard var delivering = deliveringCommit, !delivering.changelog.isEmpty, producer.isDelivered(delivering.mark) else { return }
        for record in delivering.changelog { try producer.send(record) }
        delivering.changelog = []
        delivering.mark = producer.mark()
        deliveringCommit = delivering
    }

    /// at_least_once: moves the commit being delivered on as its records are delivered (its outputs: send its
    /// changelog records; those too: commit its offsets), and throws the first delivery failure (the loop then rolls
    /// back to the last confirmed commit and reads again).
    func confirmDeliveredCommit() throws {
        try sendDeliveredCommitChangelog()
        guard let delivering = deliveringCommit, delivering.changelog.isEmpty, producer.isDelivered(delivering.mark) else { return }
        let offsets = Self.sorted(delivering.offsets)
        try consumer.commit(offsets)
        forEachStore { $0.confirmCommitPoint() }
        deliveringCommit = nil
        logCommit(
            "commit.finished", partitions: offsets.count, changelogRecords: delivering.changelogRecords, since: delivering.started)
        countCommit(consumed: delivering.consumed, changelogRecords: delivering.changelogRecords)
    }

    /// Counts a finished commit: `consumed` is what was consumed when it started (nil: everything consumed so far).
    private func countCommit(consumed: Int?, changelogRecords: Int) {
        worker.statistics.update {
            $0.commits += 1
            $0.consumedAtLastCommit = consumed ?? $0.consumed
            $0.changelogRecords += changelogRecords
        }
    }

    /// Next offsets by partition, as the sorted list the commit calls take.
    private static func sorted(_ offsets: [TopicPartition: Int64]) -> [TopicPartitionOffset] {
        offsets.map { TopicPartitionOffset($0.key, offset: $0.value) }.sorted { $0.topicPartition < $1.topicPartition }
    }

    /// Runs `body` on every store in place.
    func forEachStore(_ body: (inout PartitionStore) -> Void) {
        for partition in Array(stores.keys) { body(&stores[partition]!) }
    }

    /// Logs a commit's `commit.started` or `commit.finished` line (debug); returns when, for the second's duration.
    ///
    /// `commit.started` is written once every record of the commit has been sent, before the transaction commit (or
    /// the flush) is asked for; `commit.finished` once it succeeded. In exactly_once nothing is sent in between
    /// (records made meanwhile are held until the loop has seen the outcome), so a record with a Kafka timestamp later
    /// than a process's last `commit.finished` belongs to a commit that had not finished: the drills (exactly_once)
    /// rely on that to tell which records of a killed worker a broker that aborts fenced transactions would have
    /// hidden. (at_least_once goes on sending while a commit is delivered, and logs `commit.started` before its
    /// changelog records are sent.)
    @discardableResult
    func logCommit(
        _ event: String, partitions: Int, changelogRecords: Int, since started: ContinuousClock.Instant? = nil
    ) -> ContinuousClock.Instant? {
        Self.logCommit(logger, event, partitions: partitions, changelogRecords: changelogRecords, since: started)
    }

    /// `logCommit` for a thread other than the loop's (the transaction's commit thread).
    @discardableResult
    static func logCommit(
        _ logger: Logger, _ event: String, partitions: Int, changelogRecords: Int, since started: ContinuousClock.Instant? = nil
    ) -> ContinuousClock.Instant? {
        guard logger.minimumLevel <= .debug else { return nil }
        var fields: [(String, Logger.Value)] = [("partitions", .int(partitions)), ("changelogRecords", .int(changelogRecords))]
        if let started {
            let elapsed = (ContinuousClock.now - started).components
            fields.append(("millis", .int(Int(elapsed.seconds) * 1000 + Int(elapsed.attoseconds / 1_000_000_000_000_000))))
        }
        logger.debug(event, fields)
        return ContinuousClock.now
    }

    /// Begins a transaction unless one is open (exactly_once): before anything is sent into it, since the lanes
    /// send from several threads at once.
    func openTransaction() throws {
        guard !inTransaction else { return }
        try producer.beginTransaction()
        inTransaction = true
    }

    /// Commits `producer`'s open transaction, retrying while librdkafka says the same call may succeed (on whichever
    /// thread calls it: the loop's, or a `TransactionCommitter`'s).
    static func commitTransaction(_ producer: KafkaProducer, logger: Logger) throws(KafkaError) {
        var attempt = 0
        while true {
            do {
                try producer.commitTransaction(timeout: .seconds(30))
                return
            } catch {
                guard error.isRetriable, !error.isTxnRequiresAbort, !error.isFatal, attempt < 10 else { throw error }
                attempt += 1
                logger.warning("transaction.commit_retry", [("attempt", .int(attempt)), ("error", .string(error.description))])
            }
        }
    }

    /// Sends every pending member change to the changelog, at the input partition's number; returns how many.
    ///
    /// Encoding is most of the work, so the stores are shared out over the processing lanes as a step's are.
    private func writeChangelog() throws -> Int {
        guard hasChangelogRecords else { return 0 }
        let topic = worker.config.changelogTopic, schedule = engine.scheduleFingerprint
        let touched = stores.mapValues(\.touchedCount)
        let gate = TransactionGate(producer: producer, transactional: exactlyOnce, isOpen: inTransaction)
        defer { inTransaction = gate.isOpen }
        let results = lanes.run(&stores, weight: { touched[$0] ?? 0 }) { entries -> (count: Int, error: KafkaError?) in
            var count = 0
            do throws(KafkaError) {
                for entry in entries {
                    for record in Self.changelogRecords(of: entry, topic: topic, schedule: schedule) {
                        try gate.send(record)
                        count += 1
                    }
                }
            } catch {
                return (count, error)
            }
            return (count, nil)
        }
        if let error = results.lazy.compactMap(\.error).first { throw error }
        return results.reduce(0) { $0 + $1.count }
    }

    /// Encodes every pending member change as a changelog record, without sending it (at_least_once sends them once
    /// the outputs before them are delivered).
    private func encodeChangelog() -> [ProducerRecord] {
        guard hasChangelogRecords else { return [] }
        let topic = worker.config.changelogTopic, schedule = engine.scheduleFingerprint
        let touched = stores.mapValues(\.touchedCount)
        let results = lanes.run(&stores, weight: { touched[$0] ?? 0 }) { entries in
            entries.flatMap { Self.changelogRecords(of: $0, topic: topic, schedule: schedule) }
        }
        return results.flatMap { $0 }
    }

    /// Whether any store has a member change or a budget change for the changelog.
    private var hasChangelogRecords: Bool {
        stores.values.contains { $0.touchedCount > 0 || $0.pendingBudgetRecord() != nil }
    }

    /// One store's changelog records: its coupon budget when it changed, then its changed members in id order.
    private static func changelogRecords(
        of entry: ProcessingLanes.Entry, topic: String, schedule: ScheduleFingerprint
    ) -> [ProducerRecord] {
        var records: [ProducerRecord] = []
        if let budget = entry.store.pendingBudgetRecord() {
            records.append(ProducerRecord(topic: topic, partition: entry.partition, key: PartitionBudgetCodec.key, value: budget))
        }
        for change in entry.store.pendingChanges() {
            // An explicit partition, not a key hash: co-partitioning holds whatever partitioner upstream used.
            records.append(
                ProducerRecord(
                    topic: topic, partition: entry.partition, key: Array(change.memberID.utf8),
                    value: change.state.map { MemberStateCodec.encode($0, schedule: schedule) }))
        }
        return records
    }

    /// Handles an error from a step: recreate the clients after a fatal one, else roll back and redo the batch.
    func recover(from error: any Error) {
        consecutiveFailures += 1
        let kafkaError = error as? KafkaError
        if let kafkaError, kafkaError.isFatal || fatal != nil {
            fatal = fatal ?? kafkaError
        } else {
            do {
                try rollBackAndRewind(because: error, rewind: true)
            } catch {
                logger.error("worker.rewind_failed", [("error", .string("\(error)"))])
                if let failure = error as? KafkaError, failure.isFatal { fatal = failure }
            }
        }
        // While the cluster is unreachable every attempt fails fast; back off up to 5 s between them.
        let delay = min(0.05 * pow(2, Double(min(consecutiveFailures, 7))), 5)
        if consecutiveFailures > 1 { Thread.sleep(forTimeInterval: delay) }
    }

    /// Abandons everything since the last commit: aborts the transaction, rolls the stores back and (when
    /// `rewind`) moves every assigned partition back to its committed offset so the work is redone.
    func rollBackAndRewind(because error: any Error, rewind: Bool) throws {
        // A transaction being committed is let finish first: committed, its commit point stands; failed, it is
        // aborted here with the rest.
        _ = takeCommitOutcome(wait: true)
        held = []
        logger.warning("batch.rolled_back", [
            ("error", .string("\(error)")), ("transactionOpen", .bool(inTransaction)),
            ("uncommittedPartitions", .int(pending.count)),
        ])
        if exactlyOnce, inTransaction {
            try abortTransaction()
        }
        let engine = self.engine
        forEachStore { store in
            store.rollback()
            // The plans may have changed since the checkpoint: schedule the rolled-back members under the current ones.
            store.rescheduleAll(engine: engine)
        }
        pending.removeAll()
        deliveringCommit = nil
        // Read again from the committed offsets (now, or by whoever is assigned the partitions next).
        input.removeAll()
        lastCommit = .now
        worker.statistics.update { $0.rewinds += 1 }
        if rewind { try rewindToCommitted() }
    }

    private func abortTransaction() throws {
        var attempt = 0
        while true {
            do {
                try producer.abortTransaction(timeout: .seconds(30))
                inTransaction = false
                worker.metrics.transactionEnded(committed: false)
                return
            } catch {
                guard !error.isFatal, attempt < 5 else { throw error }
                attempt += 1
                logger.warning("transaction.abort_retry", [("attempt", .int(attempt)), ("error", .string(error.description))])
            }
        }
    }

    /// Seeks every assigned input partition to its committed offset (the beginning when none is committed).
    func rewindToCommitted() throws {
        let partitions = assigned.sorted()
        guard !partitions.isEmpty else { return }
        for committed in try consumer.committed(partitions, timeout: .seconds(30)) {
            let target = committed.offset >= 0 ? committed : TopicPartitionOffset(committed.topicPartition, offset: TopicPartitionOffset.beginning)
            try consumer.seek(target, timeout: .seconds(10))
        }
    }

    /// Tears the producer/consumer pair down and makes a new one; every store is restored again on assignment.
    func recreateClients(after reason: KafkaError) throws {
        logger.error("clients.recreating", [("reason", .string(reason.description))])
        worker.statistics.update {
            $0.running = false
            $0.clientRestarts += 1
        }
        _ = takeCommitOutcome(wait: true)  // the clients go either way; a new pair restores the stores
        held = []
        closing = true
        consumer.close()
        closing = false
        joinedGroup = false
        stores.removeAll()
        assigned.removeAll()
        pending.removeAll()
        deliveringCommit = nil
        input.removeAll()
        inTransaction = false
        (producer, consumer) = try Self.makeClients(worker: worker, hook: hook)
        fatal = nil
        worker.statistics.update { $0.assignedPartitions = [] }
        logger.info("clients.recreated")
    }

    /// The consumer's revocation hook: runs inside `poll`, while the partitions are still assigned.
    ///
    /// An orderly revocation commits what is done (their offsets still count); lost partitions may already belong
    /// to another member, so the open transaction is aborted instead. Either way their stores are dropped.
    func partitionsRevoked(_ partitions: [TopicPartition], lost: Bool) {
        guard !closing, fatal == nil else { return }
        var rolledBack = false
        do {
            // The step's lanes may be at work: what they did is counted (or their error met) before anything else.
            try finishLanes()
            if lost {
                rolledBack = true
                try rollBackAndRewind(because: KafkaError(operation: "rebalance", message: "partitions lost"), rewind: false)
            } else {
                try commit()
            }
        } catch {
            logger.warning("revocation.commit_failed", [("error", .string("\(error)"))])
            rolledBack = true
            do {
                try rollBackAndRewind(because: error, rewind: false)
            } catch {
                fatal = (error as? KafkaError).flatMap { $0.isFatal ? $0 : nil }
                    ?? KafkaError(operation: "roll back on revocation", message: "\(error)", isFatal: true)
            }
        }
        drop(partitions)
        // Their waiting records belong to the next owner. Only here: by the time `handleRebalanceEvents` sees the
        // revocation, the poll may have returned records of the same partitions assigned again.
        input.remove(partitions)
        // After a roll-back the partitions kept go on from their committed offsets.
        if rolledBack, fatal == nil {
            do { try rewindToCommitted() } catch { fatal = KafkaError(operation: "rewind on revocation", message: "\(error)", isFatal: true) }
        }
    }

    /// Forgets revoked or lost partitions: their pending offsets, and their stores unless another topic's partition
    /// with the same number is still assigned.
    func drop(_ partitions: [TopicPartition]) {
        assigned.subtract(partitions)
        for partition in partitions {
            pending[partition] = nil
            if !assigned.contains(where: { $0.partition == partition.partition }) { stores[partition.partition] = nil }
        }
    }
}
