import Kafka
import Testing

/// A member that gets no partitions still hears from the group: the worker's readiness (/readyz) relies on it.
@Suite("Empty assignment")
struct EmptyAssignmentTests {
    @Test("a consumer left without partitions receives an empty assignment", .timeLimit(.minutes(1)))
    func emptyAssignmentIsReported() async throws {
        try await blocking {
            let cluster = try makeCluster()
            let topic = uniqueName("one")
            try cluster.createTopic(topic, partitions: 1)
            let group = uniqueName("g")
            let first = try KafkaConsumer(properties: consumerProperties(cluster, group: group), topics: [topic], logHandler: quietLog)
            let second = try KafkaConsumer(properties: consumerProperties(cluster, group: group), topics: [topic], logHandler: quietLog)
            var events: [[RebalanceEvent]] = [[], []]
            let deadline = ContinuousClock.now + .seconds(30)
            while (events[0].isEmpty || events[1].isEmpty), ContinuousClock.now < deadline {
                for (index, consumer) in [first, second].enumerated() {
                    _ = try consumer.poll(maxRecords: 10, timeout: .milliseconds(100))
                    events[index] += consumer.takeRebalanceEvents()
                }
            }
            let assigned = events.flatMap { $0 }.compactMap { event -> [TopicPartition]? in
                if case .assigned(let partitions) = event { partitions } else { nil }
            }
            #expect(assigned.contains([]), "the member without partitions got .assigned([])")
            #expect(assigned.contains([TopicPartition(topic: topic, partition: 0)]))
            first.close()
            second.close()
        }
    }
}
