import CRdKafka

/// The body of the consumer's rebalance callback (registered by `RDKafkaConf.installRebalance`).
///
/// Runs on the thread that calls `rd_kafka_consumer_poll` or `rd_kafka_consumer_close`.
enum RDKafkaRebalance {
    /// Applies the assignment change librdkafka asks for and records what happened.
    ///
    /// `partitions` is borrowed: librdkafka destroys it when the callback returns.
    static func handle(
        handle rk: OpaquePointer,
        error: rd_kafka_resp_err_t,
        partitions: UnsafeMutablePointer<rd_kafka_topic_partition_list_t>?,
        context: RDKafkaCallbackContext
    ) {
        let changed = RDKafkaTopicPartitionList.partitions(in: partitions)
        // "NONE" / "EAGER" / "COOPERATIVE"; NULL on error, treated as eager (full assign).
        let cooperative = rd_kafka_rebalance_protocol(rk).map { String(cString: $0) } == "COOPERATIVE"
        // incremental_(un)assign must be given the callback's list even when empty, never NULL.
        let empty = RDKafkaTopicPartitionList([TopicPartitionOffset]())
        let list = partitions ?? empty.pointer

        switch error {
        case RD_KAFKA_RESP_ERR__ASSIGN_PARTITIONS:
            if cooperative {
                if let failure = rd_kafka_incremental_assign(rk, list) {
                    context.recordError(KafkaError(operation: "incremental assign", consuming: failure))
                }
            } else {
                record(rd_kafka_assign(rk, list), operation: "assign", context: context)
            }
            context.recordRebalance(.assigned(changed))

        case RD_KAFKA_RESP_ERR__REVOKE_PARTITIONS:
            // Must be read before (un)assigning, which resets the flag.
            let lost = rd_kafka_assignment_lost(rk) != 0
            // While the partitions are still assigned, so the handler can commit what is done for them.
            context.revocationHandler?(changed, lost)
            if cooperative {
                if let failure = rd_kafka_incremental_unassign(rk, list) {
                    context.recordError(KafkaError(operation: "incremental unassign", consuming: failure))
                }
            } else {
                record(rd_kafka_assign(rk, nil), operation: "unassign", context: context)
            }
            context.recordRebalance(lost ? .lost(changed) : .revoked(changed))

        default:
            // Arbitrary rebalance failure: librdkafka requires rd_kafka_assign(rk, NULL) to resync.
            context.recordError(KafkaError(operation: "rebalance", error: error))
            let previous = currentAssignment(rk)
            if !previous.isEmpty { context.revocationHandler?(previous, true) }
            record(rd_kafka_assign(rk, nil), operation: "unassign", context: context)
            if !previous.isEmpty { context.recordRebalance(.lost(previous)) }
        }
    }

    /// The consumer's assignment, empty on error.
    static func currentAssignment(_ rk: OpaquePointer) -> [TopicPartition] {
        var list: UnsafeMutablePointer<rd_kafka_topic_partition_list_t>?
        guard rd_kafka_assignment(rk, &list) == RD_KAFKA_RESP_ERR_NO_ERROR, let list else { return [] }
        // rd_kafka_assignment hands us a new list to destroy.
        let owned = RDKafkaTopicPartitionList(owning: list)
        return owned.elements.map { $0.0.topicPartition }.sorted()
    }

    private static func record(_ err: rd_kafka_resp_err_t, operation: String, context: RDKafkaCallbackContext) {
        guard err != RD_KAFKA_RESP_ERR_NO_ERROR else { return }
        context.recordError(KafkaError(operation: operation, error: err))
    }
}
