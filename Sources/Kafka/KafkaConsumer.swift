import CRdKafka
import Synchronization

/// High-level group consumer with manual commits and incremental (cooperative-sticky) rebalancing.
///
/// Every method is synchronous and may block: call it from a dedicated thread, never from Swift
/// concurrency's cooperative pool. Rebalance callbacks run inside `poll` and `close`.
public final class KafkaConsumer: Sendable {
    /// The `rd_kafka_t` and the rebalance/error state its callbacks write.
    let client: RDKafkaClient
    /// Whether `close` has started; makes `close` idempotent.
    private let closed = Mutex(false)

    /// Creates the consumer and subscribes to `topics`; the group is joined during `poll`.
    ///
    /// Defaults unless overridden: partition.assignment.strategy=cooperative-sticky,
    /// enable.auto.commit=false, enable.auto.offset.store=false, auto.offset.reset=earliest.
    /// `group.id` is required. `logHandler` receives librdkafka's log lines instead of stderr;
    /// `statisticsHandler` receives the statistics JSON every `statistics.interval.ms`, inside `poll`;
    /// `onRevoke` runs before partitions are given up (see `RevocationHandler`).
    public init(
        properties: [String: String], topics: [String], logHandler: KafkaLogHandler? = nil,
        statisticsHandler: KafkaStatisticsHandler? = nil, onRevoke: RevocationHandler? = nil
    ) throws(KafkaError) {
        let operation = "create consumer"
        guard let groupID = properties["group.id"], !groupID.isEmpty else {
            throw KafkaError(
                operation: operation, error: RD_KAFKA_RESP_ERR__INVALID_ARG,
                message: "missing required property \"group.id\"")
        }
        let conf = RDKafkaConf(operation: operation)
        try conf.apply(
            properties: properties,
            defaults: [
                "partition.assignment.strategy": "cooperative-sticky",
                "enable.auto.commit": "false",
                "enable.auto.offset.store": "false",
                "auto.offset.reset": "earliest",
            ])
        conf.installRebalance()
        if statisticsHandler != nil { conf.installStatistics() }
        client = try RDKafkaClient(
            type: RD_KAFKA_CONSUMER, conf: conf,
            context: RDKafkaCallbackContext(
                logHandler: logHandler, statisticsHandler: statisticsHandler, revocationHandler: onRevoke))

        // Route the main queue (rebalance callbacks, errors) to rd_kafka_consumer_poll.
        let forwarded = rd_kafka_poll_set_consumer(client.handle)
        guard forwarded == RD_KAFKA_RESP_ERR_NO_ERROR else {
            throw KafkaError(operation: operation, error: forwarded)
        }
        let subscription = RDKafkaTopicPartitionList(
            topics.map { TopicPartitionOffset(topic: $0, partition: -1, offset: TopicPartitionOffset.invalid) })
        let subscribed = rd_kafka_subscribe(client.handle, subscription.pointer)
        guard subscribed == RD_KAFKA_RESP_ERR_NO_ERROR else {
            throw KafkaError(operation: "subscribe to \(topics.joined(separator: ", "))", error: subscribed)
        }
    }

    deinit {
        close()
    }

    /// Polls for at most `maxRecords` records, waiting up to `timeout` for the first one.
    ///
    /// Rebalance callbacks run inside this call. Partition EOF and non-fatal consumer errors are not
    /// thrown (see `lastError`); fatal errors are, as is polling after `close`.
    public func poll(maxRecords: Int, timeout: Duration) throws(KafkaError) -> [ConsumerRecord] {
        try ensureOpen(operation: "poll consumer")
        return try client.pollConsumer(maxRecords: maxRecords, timeout: timeout).records
    }

    /// Rebalance events recorded since the last call, in order (drained).
    public func takeRebalanceEvents() -> [RebalanceEvent] {
        client.context.takeRebalanceEvents()
    }

    /// The most recent non-fatal error seen by `poll` or the rebalance callback, if any.
    ///
    /// These are informational (librdkafka recovers by itself); they are not cleared.
    public var lastError: KafkaError? { client.context.lastError }

    /// How many non-fatal errors `poll` and the rebalance callback have seen since start.
    public var errorCount: Int { client.context.errorCount }

    /// The current assignment, sorted.
    public func assignment() throws(KafkaError) -> [TopicPartition] {
        var list: UnsafeMutablePointer<rd_kafka_topic_partition_list_t>?
        let err = rd_kafka_assignment(client.handle, &list)
        guard err == RD_KAFKA_RESP_ERR_NO_ERROR, let list else {
            throw KafkaError(operation: "get assignment", error: err)
        }
        // rd_kafka_assignment returns a new list that we own.
        let owned = RDKafkaTopicPartitionList(owning: list)
        return owned.elements.map { $0.0.topicPartition }.sorted()
    }

    /// Synchronously commits the given next-offsets (record offset + 1); an empty list is a no-op.
    public func commit(_ offsets: [TopicPartitionOffset]) throws(KafkaError) {
        guard !offsets.isEmpty else { return }
        let list = RDKafkaTopicPartitionList(offsets)
        let err = rd_kafka_commit(client.handle, list.pointer, 0)
        guard err == RD_KAFKA_RESP_ERR_NO_ERROR else {
            throw KafkaError(operation: "commit offsets", error: err)
        }
    }

    /// Committed offsets for partitions, `TopicPartitionOffset.invalid` (-1001) when none.
    ///
    /// Asks the group coordinator; for tests and for restoring state.
    public func committed(_ partitions: [TopicPartition], timeout: Duration) throws(KafkaError)
        -> [TopicPartitionOffset]
    {
        let operation = "fetch committed offsets"
        let list = RDKafkaTopicPartitionList(partitions)
        let err = rd_kafka_committed(client.handle, list.pointer, timeout.kafkaMilliseconds)
        guard err == RD_KAFKA_RESP_ERR_NO_ERROR else {
            throw KafkaError(operation: operation, error: err)
        }
        if let error = list.firstError(operation: operation) { throw error }
        return list.elements.map { $0.0 }
    }

    /// Moves an assigned partition's fetch position (used to rewind after an aborted transaction).
    public func seek(_ offset: TopicPartitionOffset, timeout: Duration) throws(KafkaError) {
        let operation = "seek \(offset.topic) [\(offset.partition)] to \(offset.offset)"
        let list = RDKafkaTopicPartitionList([offset])
        // Returns an error object that we own (KafkaError destroys it).
        if let error = rd_kafka_seek_partitions(client.handle, list.pointer, timeout.kafkaMilliseconds) {
            throw KafkaError(operation: operation, consuming: error)
        }
        if let error = list.firstError(operation: operation) { throw error }
    }

    /// Leaves the group cleanly (`rd_kafka_consumer_close`); idempotent. deinit calls it if needed.
    ///
    /// Blocks while the assignment is revoked (rebalance callback) and the group is left; a failure
    /// is recorded in `lastError`.
    public func close() {
        let first = closed.withLock { isClosed in
            defer { isClosed = true }
            return !isClosed
        }
        guard first else { return }
        let err = rd_kafka_consumer_close(client.handle)
        if err != RD_KAFKA_RESP_ERR_NO_ERROR {
            client.context.recordError(KafkaError(operation: "close consumer", error: err))
        }
    }

    private func ensureOpen(operation: String) throws(KafkaError) {
        if closed.withLock({ $0 }) {
            throw KafkaError(operation: operation, error: RD_KAFKA_RESP_ERR__STATE, message: "consumer is closed")
        }
    }
}
