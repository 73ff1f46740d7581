import CRdKafka

extension KafkaProducer {
    /// Registers `transactional.id` with the coordinator and fences older producers with it.
    ///
    /// Call once before the first `beginTransaction`; requires `transactional.id` in the properties.
    public func initTransactions(timeout: Duration) throws(KafkaError) {
        // Every rd_kafka_*_transaction returns an error object that we own (KafkaError destroys it).
        if let error = rd_kafka_init_transactions(client.handle, timeout.kafkaMilliseconds) {
            throw KafkaError(operation: "init transactions", consuming: error)
        }
    }

    /// Starts a transaction; records sent afterwards belong to it. Local call, does not block.
    public func beginTransaction() throws(KafkaError) {
        if let error = rd_kafka_begin_transaction(client.handle) {
            throw KafkaError(operation: "begin transaction", consuming: error)
        }
    }

    /// Adds the consumer's next-offsets to the current transaction (exactly-once consume-transform-produce).
    ///
    /// Uses `rd_kafka_consumer_group_metadata(consumer)`, so the consumer must be a group member.
    public func sendOffsetsToTransaction(
        _ offsets: [TopicPartitionOffset], consumer: KafkaConsumer, timeout: Duration
    ) throws(KafkaError) {
        let operation = "send offsets to transaction"
        // Ownership: the group metadata is a new object we must destroy.
        guard let metadata = rd_kafka_consumer_group_metadata(consumer.client.handle) else {
            throw KafkaError(operation: operation, message: "consumer has no group metadata (no group.id?)")
        }
        defer { rd_kafka_consumer_group_metadata_destroy(metadata) }
        let list = RDKafkaTopicPartitionList(offsets)
        if let error = rd_kafka_send_offsets_to_transaction(
            client.handle, list.pointer, metadata, timeout.kafkaMilliseconds)
        {
            throw KafkaError(operation: operation, consuming: error)
        }
    }

    /// Flushes and commits the current transaction.
    ///
    /// On an error with `isTxnRequiresAbort` call `abortTransaction`; with `isRetriable` retry this.
    public func commitTransaction(timeout: Duration) throws(KafkaError) {
        if let error = rd_kafka_commit_transaction(client.handle, timeout.kafkaMilliseconds) {
            throw KafkaError(operation: "commit transaction", consuming: error)
        }
    }

    /// Aborts the current transaction; its records become invisible to read_committed readers.
    ///
    /// Records still queued locally are purged (they count in `failedCount`). On success the pending
    /// delivery failure that `flush` would throw is cleared: it belonged to the aborted transaction.
    public func abortTransaction(timeout: Duration) throws(KafkaError) {
        if let error = rd_kafka_abort_transaction(client.handle, timeout.kafkaMilliseconds) {
            throw KafkaError(operation: "abort transaction", consuming: error)
        }
        // rd_kafka_abort_transaction already served the purged records' delivery reports.
        _ = client.context.takeFirstDeliveryError()
    }
}
