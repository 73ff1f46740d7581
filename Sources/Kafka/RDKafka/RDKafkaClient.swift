import CRdKafka

/// Owns one `rd_kafka_t` (producer or consumer) and the callback context its opaque points to.
///
/// `@unchecked Sendable` is safe: both stored properties are immutable `let`s, librdkafka handles
/// are thread-safe for every API this layer calls on them, and the context is itself `Sendable`.
/// Destruction order: `handle` is declared first and destroyed explicitly in deinit, before Swift
/// releases `context`, which librdkafka's callbacks dereference through the opaque pointer.
final class RDKafkaClient: @unchecked Sendable {
    /// The `rd_kafka_t`; destroyed in deinit.
    let handle: OpaquePointer
    /// State written by C callbacks; outlives `handle` (see deinit).
    let context: RDKafkaCallbackContext

    /// Creates the client from a conf that already has properties and callbacks applied.
    ///
    /// Installs the context as opaque (and log callback) on the conf before `rd_kafka_new`.
    init(type: rd_kafka_type_t, conf: RDKafkaConf, context: RDKafkaCallbackContext) throws(KafkaError) {
        conf.install(context: context)
        self.context = context
        self.handle = try conf.makeHandle(type: type)
    }

    deinit {
        // Blocks until librdkafka's threads stop; no callback can run afterwards, so `context`
        // (released after this body) is never used after free.
        rd_kafka_destroy(handle)
    }

    /// The client's fatal error, if one was raised.
    func fatalError(operation: String) -> KafkaError? {
        KafkaError.fatal(of: handle, operation: operation)
    }

    /// Serves queued callbacks (delivery reports, logs, errors) for up to `timeout`.
    func poll(timeout: Duration) {
        rd_kafka_poll(handle, timeout.kafkaMilliseconds)
    }

    /// Low and high watermark of a partition, asked from the broker.
    func watermarks(topic: String, partition: Int32, timeout: Duration) throws(KafkaError) -> (low: Int64, high: Int64) {
        var low: Int64 = 0
        var high: Int64 = 0
        let err = rd_kafka_query_watermark_offsets(handle, topic, partition, &low, &high, timeout.kafkaMilliseconds)
        guard err == RD_KAFKA_RESP_ERR_NO_ERROR else {
            throw KafkaError(operation: "query watermarks of \(topic) [\(partition)]", error: err)
        }
        return (low, high)
    }

    /// What one consumer poll returned: records and end-of-partition markers (next offset).
    struct PollBatch {
        var records: [ConsumerRecord] = []
        var endOfPartition: [TopicPartitionOffset] = []
    }

    /// Polls the consumer queue: waits up to `timeout` for the first record or end-of-partition,
    /// then takes what is already queued, up to `maxRecords` messages in total.
    ///
    /// Fatal errors are thrown; other consume errors are recorded in the context and skipped.
    func pollConsumer(maxRecords: Int, timeout: Duration) throws(KafkaError) -> PollBatch {
        var batch = PollBatch()
        guard maxRecords > 0 else { return batch }
        let deadline = ContinuousClock.now.advanced(by: timeout)
        var taken = 0
        while taken < maxRecords {
            let remaining = ContinuousClock.now.duration(to: deadline)
            let waitMillis = batch.records.isEmpty && batch.endOfPartition.isEmpty ? remaining.kafkaMilliseconds : 0
            guard let message = rd_kafka_consumer_poll(handle, waitMillis) else {
                if waitMillis == 0 { break }  // nothing queued and no time left
                continue
            }
            // Ownership: consumed messages are ours and must be destroyed after copying.
            defer { rd_kafka_message_destroy(message) }
            taken += 1
            let err = message.pointee.err
            if err == RD_KAFKA_RESP_ERR_NO_ERROR {
                batch.records.append(RDKafkaMessage.record(message))
            } else if err == RD_KAFKA_RESP_ERR__PARTITION_EOF {
                batch.endOfPartition.append(
                    TopicPartitionOffset(
                        topic: RDKafkaMessage.topicName(message), partition: message.pointee.partition,
                        offset: message.pointee.offset))
            } else if err == RD_KAFKA_RESP_ERR__FATAL {
                throw fatalError(operation: "consume") ?? KafkaError(operation: "consume", error: err, isFatal: true)
            } else if let error = RDKafkaMessage.consumeError(message) {
                context.recordError(error)
            }
        }
        return batch
    }
}
