import CRdKafka

/// Converts borrowed `rd_kafka_message_t`s into Swift values.
///
/// Ownership: every function here copies what it needs and never frees the message; the caller
/// destroys consumed messages with `rd_kafka_message_destroy`, and delivery-report messages are
/// owned by librdkafka.
enum RDKafkaMessage {
    /// The message's topic name, or "" when the message has no topic (some error messages).
    static func topicName(_ message: UnsafePointer<rd_kafka_message_t>) -> String {
        guard let rkt = message.pointee.rkt else { return "" }
        return String(cString: rd_kafka_topic_name(rkt))
    }

    /// Copies a consumed message into a `ConsumerRecord`.
    static func record(_ message: UnsafePointer<rd_kafka_message_t>) -> ConsumerRecord {
        let raw = message.pointee
        var timestampType = RD_KAFKA_TIMESTAMP_NOT_AVAILABLE
        let timestamp = rd_kafka_message_timestamp(message, &timestampType)
        return ConsumerRecord(
            topic: topicName(message),
            partition: raw.partition,
            offset: raw.offset,
            key: bytes(raw.key, raw.key_len),
            value: bytes(raw.payload, raw.len),
            headers: headers(message),
            timestampMillis: timestampType == RD_KAFKA_TIMESTAMP_NOT_AVAILABLE || timestamp < 0 ? nil : timestamp
        )
    }

    /// The error of a delivery report, or nil when the record was delivered.
    static func deliveryError(_ message: UnsafePointer<rd_kafka_message_t>) -> KafkaError? {
        let err = message.pointee.err
        guard err != RD_KAFKA_RESP_ERR_NO_ERROR else { return nil }
        let text = rd_kafka_message_produce_errstr(message).map { String(cString: $0) }
        return KafkaError(
            operation: "produce to \(topicName(message)) [\(message.pointee.partition)]",
            error: err, message: text)
    }

    /// The error carried by a consumed message (fetch errors etc.), or nil.
    static func consumeError(_ message: UnsafePointer<rd_kafka_message_t>) -> KafkaError? {
        let err = message.pointee.err
        guard err != RD_KAFKA_RESP_ERR_NO_ERROR else { return nil }
        let text = rd_kafka_message_errstr(message).map { String(cString: $0) }
        let topic = topicName(message)
        let operation = topic.isEmpty ? "consume" : "consume from \(topic) [\(message.pointee.partition)]"
        return KafkaError(operation: operation, error: err, message: text)
    }

    /// Copies `length` bytes at `pointer`; nil pointer means "no key" / "null value".
    private static func bytes(_ pointer: UnsafeMutableRawPointer?, _ length: Int) -> [UInt8]? {
        guard let pointer else { return nil }
        return Array(UnsafeRawBufferPointer(start: pointer, count: length))
    }

    /// Copies the message's headers; the `rd_kafka_headers_t` stays owned by the message.
    private static func headers(_ message: UnsafePointer<rd_kafka_message_t>) -> [KafkaHeader] {
        var list: OpaquePointer?
        // Returns RD_KAFKA_RESP_ERR__NOENT when the message has no headers.
        guard rd_kafka_message_headers(message, &list) == RD_KAFKA_RESP_ERR_NO_ERROR, let list else { return [] }
        var result: [KafkaHeader] = []
        var index = 0
        var name: UnsafePointer<CChar>?
        var value: UnsafeRawPointer?
        var size = 0
        while rd_kafka_header_get_all(list, index, &name, &value, &size) == RD_KAFKA_RESP_ERR_NO_ERROR {
            let key = name.map { String(cString: $0) } ?? ""
            let bytes = value.map { Array(UnsafeRawBufferPointer(start: $0, count: size)) }
            result.append(KafkaHeader(key: key, value: bytes))
            index += 1
        }
        return result
    }
}
