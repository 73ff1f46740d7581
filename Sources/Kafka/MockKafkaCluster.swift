import CRdKafka

/// librdkafka's in-process mock Kafka cluster (rdkafka_mock.h), for tests and the demo.
///
/// Supports produce (idempotent, transactional), consumer groups with commits, metadata.
/// Clients must be closed/destroyed before the cluster, or they spend time reconnecting.
public final class MockKafkaCluster: Sendable {
    /// The cluster and the `rd_kafka_t` it lives on.
    private let cluster: RDKafkaMockCluster

    /// The bootstrap.servers string clients use to reach it (localhost listeners).
    public let bootstrapServers: String

    /// Creates a cluster with `brokers` brokers (ids 1 ... brokers).
    ///
    /// Owns a dedicated producer `rd_kafka_t`, as `rd_kafka_mock_cluster_new` requires;
    /// `logHandler` receives that handle's (and the mock brokers') log lines.
    public init(brokers: Int = 1, logHandler: KafkaLogHandler? = nil) throws(KafkaError) {
        guard brokers > 0 else {
            throw KafkaError(
                operation: "create mock cluster", error: RD_KAFKA_RESP_ERR__INVALID_ARG,
                message: "broker count must be positive, got \(brokers)")
        }
        cluster = try RDKafkaMockCluster(brokers: brokers, logHandler: logHandler)
        bootstrapServers = String(cString: rd_kafka_mock_cluster_bootstraps(cluster.pointer))
    }

    /// Creates a topic (the mock broker does not implement the CreateTopics API).
    public func createTopic(_ name: String, partitions: Int, replicationFactor: Int = 1) throws(KafkaError) {
        let err = rd_kafka_mock_topic_create(
            cluster.pointer, name, Int32(clamping: partitions), Int32(clamping: replicationFactor))
        guard err == RD_KAFKA_RESP_ERR_NO_ERROR else {
            throw KafkaError(operation: "create mock topic \(name)", error: err)
        }
    }

    /// Sets group.initial.rebalance.delay.ms on every mock broker (the mock's default is 3 s).
    ///
    /// Set it low (e.g. 0-100 ms) in tests so the first group join completes quickly.
    public func setGroupInitialRebalanceDelay(_ delay: Duration) {
        rd_kafka_mock_group_initial_rebalance_delay_ms(cluster.pointer, delay.kafkaMilliseconds)
    }

    /// Disconnects broker `brokerId` (or all brokers with -1) and refuses new connections.
    ///
    /// Does not move partition leadership. An unknown broker id is ignored.
    public func setBrokerDown(_ brokerId: Int32) {
        _ = rd_kafka_mock_broker_set_down(cluster.pointer, brokerId)
    }

    /// Lets broker `brokerId` (or all brokers with -1) accept connections again. Unknown ids are ignored.
    public func setBrokerUp(_ brokerId: Int32) {
        _ = rd_kafka_mock_broker_set_up(cluster.pointer, brokerId)
    }

    /// Delays every response of broker `brokerId` (or all brokers with -1) by `delay`, e.g. to make delivery reports
    /// arrive late. An unknown broker id is ignored.
    public func setBrokerRoundTrip(_ brokerId: Int32, _ delay: Duration) {
        _ = rd_kafka_mock_broker_set_rtt(cluster.pointer, brokerId, delay.kafkaMilliseconds)
    }

    /// Makes broker `brokerId` the leader of `topic`'s `partition`, e.g. to put two topics on brokers that answer at
    /// different speeds (`setBrokerRoundTrip`).
    public func setPartitionLeader(topic: String, partition: Int32, broker brokerId: Int32) throws(KafkaError) {
        let err = rd_kafka_mock_partition_set_leader(cluster.pointer, topic, partition, brokerId)
        guard err == RD_KAFKA_RESP_ERR_NO_ERROR else {
            throw KafkaError(operation: "move the leader of mock partition \(topic)[\(partition)] to broker \(brokerId)", error: err)
        }
    }

    /// Makes the next `errors.count` requests with `apiKey` (e.g. 0 = Produce) fail with these codes, in order.
    ///
    /// `errors` are `rd_kafka_resp_err_t` raw values; `_TRANSPORT` (-195) makes the broker disconnect.
    public func pushRequestErrors(apiKey: Int16, errors: [Int32]) {
        let codes = errors.map { rd_kafka_resp_err_t(rawValue: $0) }
        rd_kafka_mock_push_request_errors_array(cluster.pointer, apiKey, codes.count, codes)
    }

    /// Makes the next `errors.count` requests with `apiKey` that broker `brokerId` receives fail with these codes, in
    /// order (they take precedence over `pushRequestErrors`), e.g. to fail the Produce requests of one topic only.
    public func pushBrokerRequestErrors(broker brokerId: Int32, apiKey: Int16, errors: [Int32]) throws(KafkaError) {
        for code in errors {
            let err = campaign_mock_broker_push_request_error(cluster.pointer, brokerId, apiKey, rd_kafka_resp_err_t(rawValue: code), 0)
            guard err == RD_KAFKA_RESP_ERR_NO_ERROR else {
                throw KafkaError(operation: "push a request error onto mock broker \(brokerId)", error: err)
            }
        }
    }

    /// Removes errors pushed with `pushRequestErrors` for `apiKey` that were not yet used.
    public func clearRequestErrors(apiKey: Int16) {
        rd_kafka_mock_clear_request_errors(cluster.pointer, apiKey)
    }
}
