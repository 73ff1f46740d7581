import CRdKafka
import Synchronization

/// A plain (non-group) reader of whole partitions, e.g. to read output topics in tests or restore a changelog.
///
/// Every method is synchronous and may block: call it from a dedicated thread. Never commits.
public final class KafkaReader: Sendable {
    /// The consumer-type `rd_kafka_t`; destroying it needs no group leave (nothing is subscribed).
    let client: RDKafkaClient
    /// The assigned partitions, sorted.
    private let partitions: [TopicPartition]
    /// Next offset to read per partition, as far as this reader has seen (records and EOF markers).
    private let positions: Mutex<[TopicPartition: Int64]>
    /// Where each partition starts, as given to init.
    private let startOffsets: [TopicPartitionOffset]
    /// Whether `rd_kafka_assign` was called (see `assignOnce`).
    private let isAssigned = Mutex(false)

    /// Reads `partitions` from their offsets (use `TopicPartitionOffset.beginning`), assigned with `rd_kafka_assign`.
    ///
    /// The assignment is made by the first `poll` or `readToEnd` call.
    /// Pass isolation.level etc. in `properties`; a random group.id is generated if absent (nothing is
    /// committed). Defaults unless overridden: auto.offset.reset=earliest, fetch.wait.max.ms=100.
    /// enable.partition.eof is always true because `readToEnd` relies on it.
    public init(
        properties: [String: String], partitions: [TopicPartitionOffset], logHandler: KafkaLogHandler? = nil
    ) throws(KafkaError) {
        let operation = "create reader"
        let conf = RDKafkaConf(operation: operation)
        var forced = properties
        forced["enable.partition.eof"] = "true"
        try conf.apply(
            properties: forced,
            defaults: [
                "group.id": "kafka-reader-\(String(UInt64.random(in: 0...UInt64.max), radix: 16))",
                "enable.auto.commit": "false",
                "enable.auto.offset.store": "false",
                "auto.offset.reset": "earliest",
                // Watermark queries share the broker connection with the fetch long-poll and wait
                // behind it, so a short fetch wait keeps readToEnd fast.
                "fetch.wait.max.ms": "100",
            ])
        client = try RDKafkaClient(
            type: RD_KAFKA_CONSUMER, conf: conf, context: RDKafkaCallbackContext(logHandler: logHandler))
        self.partitions = Set(partitions.map(\.topicPartition)).sorted()
        var known: [TopicPartition: Int64] = [:]
        for item in partitions where item.offset >= 0 { known[item.topicPartition] = item.offset }
        positions = Mutex(known)

        startOffsets = partitions

        // Route the main queue (errors, logs) to rd_kafka_consumer_poll.
        let forwarded = rd_kafka_poll_set_consumer(client.handle)
        guard forwarded == RD_KAFKA_RESP_ERR_NO_ERROR else {
            throw KafkaError(operation: operation, error: forwarded)
        }
    }

    /// Calls `rd_kafka_assign` once, on the first poll or `readToEnd`.
    ///
    /// Deferred so that `readToEnd` can query watermarks first: that teaches the client the
    /// partition leaders, and librdkafka otherwise retries a leaderless start-offset lookup only
    /// after a 500 ms timer.
    private func assignOnce() throws(KafkaError) {
        try isAssigned.withLock { (done: inout Bool) throws(KafkaError) in
            guard !done else { return }
            let list = RDKafkaTopicPartitionList(startOffsets)
            let err = rd_kafka_assign(client.handle, list.pointer)
            guard err == RD_KAFKA_RESP_ERR_NO_ERROR else {
                throw KafkaError(operation: "assign reader partitions", error: err)
            }
            done = true
        }
    }

    /// Polls for at most `maxRecords` records, waiting up to `timeout` for the first one.
    ///
    /// Returns early (possibly empty) when a partition reaches its end. Non-fatal errors are skipped.
    public func poll(maxRecords: Int, timeout: Duration) throws(KafkaError) -> [ConsumerRecord] {
        try pollAndTrack(maxRecords: maxRecords, timeout: timeout)
    }

    /// Reads until every assigned partition reached its high watermark at the time of the call, or timeout.
    ///
    /// Returns what was read either way. With isolation.level=read_committed an open transaction
    /// keeps its partition short of the high watermark, so the call then waits for the timeout.
    public func readToEnd(timeout: Duration) throws(KafkaError) -> [ConsumerRecord] {
        let deadline = ContinuousClock.now.advanced(by: timeout)
        var targets: [TopicPartition: Int64] = [:]
        for partition in partitions {
            let remaining = max(ContinuousClock.now.duration(to: deadline), .milliseconds(1))
            let marks = try client.watermarks(topic: partition.topic, partition: partition.partition, timeout: remaining)
            if marks.high > marks.low { targets[partition] = marks.high }
        }
        try assignOnce()
        var records: [ConsumerRecord] = []
        while true {
            let reached = positions.withLock { known in
                targets.allSatisfy { partition, high in (known[partition] ?? -1) >= high }
            }
            let remaining = ContinuousClock.now.duration(to: deadline)
            if reached || remaining <= .zero { return records }
            records += try pollAndTrack(maxRecords: 10_000, timeout: remaining)
        }
    }

    /// The high watermark (the offset after the last record) of every assigned partition, asked from the broker.
    public func endOffsets(timeout: Duration) throws(KafkaError) -> [TopicPartition: Int64] {
        var ends: [TopicPartition: Int64] = [:]
        for partition in partitions {
            ends[partition] = try client.watermarks(topic: partition.topic, partition: partition.partition, timeout: timeout).high
        }
        return ends
    }

    /// Reads like `readToEnd`, handing records to `body` batch by batch instead of keeping them.
    ///
    /// Returns true when every partition reached the high watermark it had at the time of the call, false when
    /// `timeout` passed first (call again to go on from where it stopped). For restoring large partitions.
    public func readToEnd(timeout: Duration, _ body: ([ConsumerRecord]) -> Void) throws(KafkaError) -> Bool {
        let deadline = ContinuousClock.now.advanced(by: timeout)
        var targets: [TopicPartition: Int64] = [:]
        for partition in partitions {
            let remaining = max(ContinuousClock.now.duration(to: deadline), .milliseconds(1))
            let marks = try client.watermarks(topic: partition.topic, partition: partition.partition, timeout: remaining)
            if marks.high > marks.low { targets[partition] = marks.high }
        }
        try assignOnce()
        while true {
            let reached = positions.withLock { known in
                targets.allSatisfy { partition, high in (known[partition] ?? -1) >= high }
            }
            if reached { return true }
            let remaining = ContinuousClock.now.duration(to: deadline)
            if remaining <= .zero { return false }
            let records = try pollAndTrack(maxRecords: 10_000, timeout: remaining)
            if !records.isEmpty { body(records) }
        }
    }

    /// Polls and advances `positions` past every record and end-of-partition marker seen.
    private func pollAndTrack(maxRecords: Int, timeout: Duration) throws(KafkaError) -> [ConsumerRecord] {
        try assignOnce()
        let batch = try client.pollConsumer(maxRecords: maxRecords, timeout: timeout)
        positions.withLock { known in
            for record in batch.records {
                known[record.topicPartition] = max(known[record.topicPartition] ?? -1, record.offset + 1)
            }
            // An EOF marker's offset is the next offset to fetch, past any transaction markers.
            for end in batch.endOfPartition {
                known[end.topicPartition] = max(known[end.topicPartition] ?? -1, end.offset)
            }
        }
        return batch.records
    }

    /// The most recent non-fatal error seen while polling, if any.
    public var lastError: KafkaError? { client.context.lastError }
}
