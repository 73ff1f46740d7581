import Kafka
import Testing

@Suite("Delivery marks")
struct DeliveryMarkTests {
    /// Polls until `condition` holds or `seconds` pass; returns whether it held.
    func poll(_ producer: KafkaProducer, seconds: Double, until condition: () -> Bool) -> Bool {
        let deadline = ContinuousClock.now + .milliseconds(Int(seconds * 1000))
        while !condition() {
            guard ContinuousClock.now < deadline else { return false }
            producer.poll(timeout: .milliseconds(20))
        }
        return true
    }

    @Test("a mark is delivered once every record sent before it is, whatever is sent after it", .timeLimit(.minutes(1)))
    func deliveredWhenEarlierRecordsAre() async throws {
        try await blocking {
            let cluster = try makeCluster()
            let topic = uniqueName("mark")
            let producer = try primedProducer(cluster, topic: topic, partitions: 2)

            try producer.send(ProducerRecord(topic: topic, partition: 0, value: [1]))
            try producer.send(ProducerRecord(topic: topic, partition: 1, value: [2]))
            let first = producer.mark()
            #expect(!producer.isDelivered(first), "no delivery report has been served yet")
            #expect(poll(producer, seconds: 10) { producer.isDelivered(first) })

            // Records sent after the mark, held up by a broker that is down, do not hold the mark up.
            cluster.setBrokerDown(1)
            try producer.send(ProducerRecord(topic: topic, value: [3]))
            let second = producer.mark()
            #expect(!poll(producer, seconds: 0.5) { producer.isDelivered(second) })
            #expect(producer.isDelivered(first))
            cluster.setBrokerUp(1)
            #expect(poll(producer, seconds: 20) { producer.isDelivered(second) })
            #expect(producer.deliveredCount == 4)
            withExtendedLifetime(cluster) {}
        }
    }

    @Test("a failed record keeps its mark undelivered until the failure is taken", .timeLimit(.minutes(1)))
    func failureHoldsTheMark() async throws {
        try await blocking {
            let cluster = try makeCluster()
            let topic = uniqueName("mark-fail")
            let producer = try primedProducer(cluster, topic: topic, partitions: 1)

            let messageSizeTooLarge: Int32 = 10
            cluster.pushRequestErrors(apiKey: 0, errors: [messageSizeTooLarge])
            try producer.send(ProducerRecord(topic: topic, value: [1]))
            let mark = producer.mark()
            #expect(poll(producer, seconds: 10) { producer.failedCount == 1 })
            #expect(!producer.isDelivered(mark), "every record is reported, but one failed")
            let failure = try #require(producer.takeDeliveryError())
            #expect(failure.code == messageSizeTooLarge)
            #expect(producer.takeDeliveryError() == nil, "reported once")
            #expect(producer.isDelivered(mark))
            withExtendedLifetime(cluster) {}
        }
    }
}
