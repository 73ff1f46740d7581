import CRdKafka

/// Owns an `rd_kafka_mock_cluster_t` and the dedicated `rd_kafka_t` it was created on.
///
/// Ownership: `rd_kafka_mock_cluster_new` borrows the `rd_kafka_t` for its bookkeeping, so the
/// cluster must be destroyed before that handle: deinit destroys the cluster, then `client` is
/// released and its deinit destroys the `rd_kafka_t`.
/// `@unchecked Sendable` is safe: both stored properties are immutable `let`s and the mock API
/// forwards every call to the cluster's own thread (rd_kafka_mock_* are thread-safe).
final class RDKafkaMockCluster: @unchecked Sendable {
    /// The mock cluster; destroyed in deinit, before `client`.
    let pointer: OpaquePointer
    /// The producer handle the cluster was created on; outlives `pointer`.
    let client: RDKafkaClient

    init(brokers: Int, logHandler: KafkaLogHandler?) throws(KafkaError) {
        let operation = "create mock cluster"
        let conf = RDKafkaConf(operation: operation)
        client = try RDKafkaClient(
            type: RD_KAFKA_PRODUCER, conf: conf, context: RDKafkaCallbackContext(logHandler: logHandler))
        guard let cluster = rd_kafka_mock_cluster_new(client.handle, Int32(clamping: brokers)) else {
            throw KafkaError(
                operation: operation, error: RD_KAFKA_RESP_ERR__FAIL,
                message: "rd_kafka_mock_cluster_new failed for \(brokers) brokers")
        }
        pointer = cluster
    }

    deinit {
        rd_kafka_mock_cluster_destroy(pointer)
    }
}
