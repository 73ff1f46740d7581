import Kafka
import Testing

@Suite("Admin")
struct AdminTests {
    @Test("partitionCount reports existing topics and nil for missing ones", .timeLimit(.minutes(1)))
    func partitionCount() async throws {
        try await blocking {
            let cluster = try makeCluster()
            let topic = uniqueName("admin")
            try cluster.createTopic(topic, partitions: 3)
            let admin = try KafkaAdmin(properties: clientProperties(cluster), logHandler: quietLog)
            #expect(try admin.partitionCount(topic: topic, timeout: .seconds(10)) == 3)
            let missing = uniqueName("missing")
            #expect(try admin.partitionCount(topic: missing, timeout: .seconds(10)) == nil)
            // Asking must not auto-create the topic.
            #expect(try admin.partitionCount(topic: missing, timeout: .seconds(10)) == nil)
            withExtendedLifetime(cluster) {}
        }
    }

    /// The mock broker implements no CreateTopics (and reports no controller), so the request
    /// cannot succeed there: this checks that the failure is a clear, timely KafkaError.
    @Test("createTopics on the mock fails with a clear timeout error", .timeLimit(.minutes(1)))
    func createTopicsOnMock() async throws {
        try await blocking {
            let cluster = try makeCluster()
            let admin = try KafkaAdmin(properties: clientProperties(cluster), logHandler: quietLog)
            let topic = uniqueName("created")
            let started = ContinuousClock.now
            let error = try #require(throws: KafkaError.self) {
                try admin.createTopics(
                    [NewTopic(name: topic, partitions: 2, config: ["cleanup.policy": "compact"])],
                    timeout: .seconds(2))
            }
            #expect(error.isTimeout)
            #expect(error.description.hasPrefix("create topics \(topic) failed: _TIMED_OUT: "))
            #expect(ContinuousClock.now - started < .seconds(5))
            withExtendedLifetime(cluster) {}
        }
    }

    @Test("an invalid NewTopic is rejected locally, naming the topic")
    func invalidNewTopic() throws {
        let admin = try KafkaAdmin(properties: ["bootstrap.servers": "localhost:1"], logHandler: quietLog)
        let error = try #require(throws: KafkaError.self) {
            try admin.createTopics([NewTopic(name: "bad", partitions: -5)], timeout: .seconds(1))
        }
        #expect(error.operation == "create topic bad")
    }
}
