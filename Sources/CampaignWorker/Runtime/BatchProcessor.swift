import CampaignDomain
import Kafka

/// What one lane does with its stores' part of a polled batch: decode, apply, fire due timers, produce the outputs.
///
/// A value shared by every lane of a step: it holds only what all of them read (the batch, the engine, the clock
/// reading) and the thread-safe worker and producer.
struct BatchProcessor: Sendable {
    let worker: Worker
    /// Sends into the exactly_once transaction, opening it at the first record.
    let gate: TransactionGate
    let engine: Engine
    let now: Instant
    /// The batch's records of assigned partitions, by input partition number, each list in offset order.
    let records: [Int32: [ConsumerRecord]]

    /// One lane's tallies, merged by the loop after every lane has finished.
    struct Outcome: Sendable {
        var consumed = 0, applied = 0, duplicates = 0, ignored = 0, erased = 0, dead = 0
        var produced: [OutputRole: Int] = [:]
        /// Next offset to commit per input partition, for the records this lane processed.
        var pending: [TopicPartition: Int64] = [:]
        /// The first error met; the lane stopped there (the loop rolls the batch back).
        var error: KafkaError?

        /// Adds another lane's tallies to these.
        mutating func merge(_ other: Outcome) {
            consumed += other.consumed
            applied += other.applied
            duplicates += other.duplicates
            ignored += other.ignored
            erased += other.erased
            dead += other.dead
            produced.merge(other.produced, uniquingKeysWith: +)
            pending.merge(other.pending) { $1 }
            error = error ?? other.error
        }
    }

    /// Applies each store's records in order, then fires its due timers, then produces every output of the lane.
    func process(_ entries: inout [ProcessingLanes.Entry]) -> Outcome {
        var outcome = Outcome()
        var out: [OutputRecord] = []
        var tally: [WorkerMetrics.ConsumedKey: Int] = [:]
        for index in entries.indices {
            let partition = entries[index].partition
            // Records of one topic-partition come in runs (several topics may share a partition number), so the next
            // offset is noted once per run rather than per record.
            var run: (topicPartition: TopicPartition, next: Int64)?
            for record in records[partition] ?? [] {
                outcome.consumed += 1
                apply(record, to: &entries[index].store, into: &out, tally: &tally, outcome: &outcome)
                if let current = run, current.topicPartition.topic != record.topic { outcome.pending[current.topicPartition] = current.next }
                run = (TopicPartition(topic: record.topic, partition: partition), record.offset + 1)
            }
            if let run { outcome.pending[run.topicPartition] = run.next }
            entries[index].store.fireDue(now: now, engine: engine, into: &out)
        }
        worker.metrics.consumed(tally)
        worker.metrics.emitted(out, topics: worker.config.topics)
        for record in out {
            guard let topic = worker.config.topics.topic(for: record.role) else { continue }
            // Sent from the record's own bytes: librdkafka copies them, so no array is made for any part.
            let failure = record.withParts { parts -> KafkaError? in
                let names = parts.headerNames
                return withUnsafeTemporaryAllocation(of: UnsafeRawBufferPointer?.self, capacity: names.count) { values in
                    for index in names.indices { values.initializeElement(at: index, to: parts.headerValue(index)) }
                    do throws(KafkaError) {
                        try gate.send(
                            topic: topic, key: parts.key, value: parts.value, headerNames: names,
                            headerValues: UnsafeBufferPointer(values))
                        return nil
                    } catch {
                        return error
                    }
                }
            }
            if let failure {
                outcome.error = failure
                return outcome
            }
            outcome.produced[record.role, default: 0] += 1
        }
        return outcome
    }

    /// Decodes one record and applies it, or dead-letters it.
    private func apply(
        _ record: ConsumerRecord, to store: inout PartitionStore, into out: inout [OutputRecord],
        tally: inout [WorkerMetrics.ConsumedKey: Int], outcome: inout Outcome
    ) {
        let input = InputRecord(
            topic: record.topic, partition: record.partition, offset: record.offset, key: record.key, value: record.value,
            traceparent: record.headers.first { $0.key == "traceparent" }?.value.map { String(decoding: $0, as: UTF8.self) })
        switch engine.decode(input) {
        case .failure(let reason):
            outcome.dead += 1
            worker.metrics.deadLettered(reason.code)
            out.append(input.deadLetter(reason))
            worker.logger.warning("record.dead_lettered", [
                ("topic", .string(record.topic)), ("partition", .int(Int(record.partition))), ("offset", .int(Int(record.offset))),
                ("reason", .string(reason.code.rawValue)),
            ])
        case .success(let event):
            let applied = store.apply(event, now: now, engine: engine, into: &out)
            tally[WorkerMetrics.ConsumedKey(type: event.type, outcome: applied), default: 0] += 1
            switch applied {
            case .applied: outcome.applied += 1
            case .duplicate: outcome.duplicates += 1
            case .ignoredUnknownType: outcome.ignored += 1
            case .erased: outcome.erased += 1
            }
        }
    }
}
