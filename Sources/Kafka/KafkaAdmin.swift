import CRdKafka

/// Topic administration.
///
/// Every method is synchronous and may block: call it from a dedicated thread. Thread-safe.
public final class KafkaAdmin: Sendable {
    /// A producer-type `rd_kafka_t` used only for metadata and admin requests.
    let client: RDKafkaClient

    /// Creates the admin client; `properties` are raw librdkafka properties (bootstrap.servers etc.).
    public init(properties: [String: String], logHandler: KafkaLogHandler? = nil) throws(KafkaError) {
        let conf = RDKafkaConf(operation: "create admin client")
        try conf.apply(properties: properties, defaults: [:])
        client = try RDKafkaClient(
            type: RD_KAFKA_PRODUCER, conf: conf, context: RDKafkaCallbackContext(logHandler: logHandler))
    }

    /// Partition count of a topic from metadata, nil when the topic does not exist.
    ///
    /// Asks for all topics' metadata, so it never triggers broker-side auto-creation of `topic`.
    public func partitionCount(topic: String, timeout: Duration) throws(KafkaError) -> Int? {
        let operation = "get metadata of topic \(topic)"
        var metadata: UnsafePointer<rd_kafka_metadata>?
        let err = rd_kafka_metadata(client.handle, 1, nil, &metadata, timeout.kafkaMilliseconds)
        guard err == RD_KAFKA_RESP_ERR_NO_ERROR, let metadata else {
            throw KafkaError(operation: operation, error: err)
        }
        // Ownership: the metadata result is ours to free with rd_kafka_metadata_destroy.
        defer { rd_kafka_metadata_destroy(metadata) }
        guard let topics = metadata.pointee.topics else { return nil }
        for index in 0..<Int(metadata.pointee.topic_cnt) {
            let entry = topics[index]
            guard let name = entry.topic, String(cString: name) == topic else { continue }
            switch entry.err {
            case RD_KAFKA_RESP_ERR_NO_ERROR:
                return Int(entry.partition_cnt)
            case RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART:
                return nil
            default:
                throw KafkaError(operation: operation, error: entry.err)
            }
        }
        return nil
    }

    /// Creates topics with `rd_kafka_CreateTopics`; a topic that already exists is not an error.
    ///
    /// Throws the first per-topic failure. Waits up to `timeout` plus a 1 s grace for the result.
    public func createTopics(_ topics: [NewTopic], timeout: Duration) throws(KafkaError) {
        guard !topics.isEmpty else { return }
        try RDKafkaCreateTopics.run(on: client.handle, topics: topics, timeout: timeout)
    }
}
