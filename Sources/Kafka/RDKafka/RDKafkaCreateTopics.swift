import CRdKafka

/// One `rd_kafka_CreateTopics` round trip, owning every temporary C object it makes.
enum RDKafkaCreateTopics {
    /// Extra time to wait for librdkafka's own result (which includes its request timeout error).
    static let resultGrace: Duration = .seconds(1)

    static func run(on handle: OpaquePointer, topics: [NewTopic], timeout: Duration) throws(KafkaError) {
        let operation = "create topics \(topics.map(\.name).joined(separator: ", "))"
        var errstr = [CChar](repeating: 0, count: 512)

        // Ownership: NewTopic objects are ours until destroyed; rd_kafka_CreateTopics does not take them.
        var newTopics: [OpaquePointer?] = []
        defer { for newTopic in newTopics { rd_kafka_NewTopic_destroy(newTopic) } }
        for topic in topics {
            guard
                let newTopic = rd_kafka_NewTopic_new(
                    topic.name, Int32(clamping: topic.partitions), Int32(clamping: topic.replicationFactor),
                    &errstr, errstr.count)
            else {
                throw KafkaError(
                    operation: "create topic \(topic.name)", error: RD_KAFKA_RESP_ERR__INVALID_ARG,
                    message: String(cBuffer: errstr))
            }
            newTopics.append(newTopic)
            for name in topic.config.keys.sorted() {
                let err = rd_kafka_NewTopic_set_config(newTopic, name, topic.config[name] ?? "")
                guard err == RD_KAFKA_RESP_ERR_NO_ERROR else {
                    // The value is left out on purpose (config values are never echoed).
                    throw KafkaError(
                        operation: "create topic \(topic.name)", error: err,
                        message: "invalid topic config \"\(name)\"")
                }
            }
        }

        // Ownership: options, queue and event are ours; each is destroyed on scope exit.
        guard let options = rd_kafka_AdminOptions_new(handle, RD_KAFKA_ADMIN_OP_CREATETOPICS) else {
            throw KafkaError(operation: operation, message: "rd_kafka_AdminOptions_new failed")
        }
        defer { rd_kafka_AdminOptions_destroy(options) }
        let millis = timeout.kafkaMilliseconds
        for setter in [rd_kafka_AdminOptions_set_operation_timeout, rd_kafka_AdminOptions_set_request_timeout] {
            let err = setter(options, millis, &errstr, errstr.count)
            guard err == RD_KAFKA_RESP_ERR_NO_ERROR else {
                throw KafkaError(operation: operation, error: err, message: String(cBuffer: errstr))
            }
        }
        guard let queue = rd_kafka_queue_new(handle) else {
            throw KafkaError(operation: operation, message: "rd_kafka_queue_new failed")
        }
        defer { rd_kafka_queue_destroy(queue) }

        newTopics.withUnsafeMutableBufferPointer { buffer in
            rd_kafka_CreateTopics(handle, buffer.baseAddress, buffer.count, options, queue)
        }
        guard let event = rd_kafka_queue_poll(queue, (timeout + resultGrace).kafkaMilliseconds) else {
            throw KafkaError(
                operation: operation, error: RD_KAFKA_RESP_ERR__TIMED_OUT,
                message: "no CreateTopics result within \(timeout)")
        }
        defer { rd_kafka_event_destroy(event) }
        try check(event: event, operation: operation)
    }

    /// Throws the request-level error or the first per-topic error other than TOPIC_ALREADY_EXISTS.
    private static func check(event: OpaquePointer, operation: String) throws(KafkaError) {
        let err = rd_kafka_event_error(event)
        guard err == RD_KAFKA_RESP_ERR_NO_ERROR else {
            throw KafkaError(
                operation: operation, error: err, message: rd_kafka_event_error_string(event).map { String(cString: $0) })
        }
        // The result and its topic array live as long as the event.
        guard let result = rd_kafka_event_CreateTopics_result(event) else {
            throw KafkaError(operation: operation, message: "unexpected admin result event type")
        }
        var count = 0
        guard let results = rd_kafka_CreateTopics_result_topics(result, &count) else { return }
        for index in 0..<count {
            guard let topicResult = results[index] else { continue }
            let topicErr = rd_kafka_topic_result_error(topicResult)
            if topicErr == RD_KAFKA_RESP_ERR_NO_ERROR || topicErr == RD_KAFKA_RESP_ERR_TOPIC_ALREADY_EXISTS { continue }
            let name = rd_kafka_topic_result_name(topicResult).map { String(cString: $0) } ?? "?"
            throw KafkaError(
                operation: "create topic \(name)", error: topicErr,
                message: rd_kafka_topic_result_error_string(topicResult).map { String(cString: $0) })
        }
    }
}
