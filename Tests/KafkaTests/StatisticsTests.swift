import Foundation
import Kafka
import Synchronization
import Testing

@Suite("Consumer statistics")
struct StatisticsTests {
    @Test("the statistics handler receives librdkafka's JSON, served inside poll", .timeLimit(.minutes(1)))
    func statisticsReachTheHandler() async throws {
        try await blocking {
            let cluster = try makeCluster()
            let topic = uniqueName("stats")
            try cluster.createTopic(topic, partitions: 2)
            try produce(numberedRecords(topic: topic, count: 4, partitions: 2), cluster: cluster)
            let received = Mutex<[String]>([])
            var properties = consumerProperties(cluster, group: uniqueName("g"))
            properties["statistics.interval.ms"] = "100"
            let consumer = try KafkaConsumer(properties: properties, topics: [topic], logHandler: quietLog) { json in
                received.withLock { $0.append(String(decoding: json, as: UTF8.self)) }
            }
            _ = try pollRecords(consumer, count: 4, timeout: .seconds(20))
            let deadline = ContinuousClock.now + .seconds(20)
            while !received.withLock({ $0.contains { $0.contains("\"\(topic)\"") } }), ContinuousClock.now < deadline {
                _ = try consumer.poll(maxRecords: 10, timeout: .milliseconds(100))
            }
            let last = try #require(received.withLock { $0.last { $0.contains("\"\(topic)\"") } })
            let object = try #require(try JSONSerialization.jsonObject(with: Data(last.utf8)) as? [String: Any])
            #expect(object["type"] as? String == "consumer")
            let partitions = (object["topics"] as? [String: Any])?[topic].flatMap { ($0 as? [String: Any])?["partitions"] as? [String: Any] }
            #expect(partitions?["0"] != nil && partitions?["1"] != nil)
            consumer.close()
        }
    }
}
