import Kafka
import Testing

@Suite("Errors")
struct ErrorTests {
    @Test("flush throws a delivery failure once, then clears it", .timeLimit(.minutes(1)))
    func deliveryFailure() async throws {
        try await blocking {
            let cluster = try makeCluster()
            let topic = uniqueName("fail")
            // Connect and learn the leader first, so the injected error hits our Produce request.
            let producer = try primedProducer(cluster, topic: topic, first: Array("ok".utf8))

            // A message-level, non-retriable error (TOPIC_AUTHORIZATION_FAILED would also fail the
            // following sends: librdkafka marks the whole topic as errored).
            let messageSizeTooLarge: Int32 = 10
            cluster.pushRequestErrors(apiKey: 0, errors: [messageSizeTooLarge])
            try producer.send(ProducerRecord(topic: topic, value: Array("denied".utf8)))
            let error = try #require(throws: KafkaError.self) { try producer.flush(timeout: .seconds(10)) }
            #expect(error.code == messageSizeTooLarge)
            #expect(error.codeName == "MSG_SIZE_TOO_LARGE")
            #expect(error.operation == "produce to \(topic) [0]")
            #expect(error.description.hasPrefix("produce to \(topic) [0] failed: MSG_SIZE_TOO_LARGE: "))
            #expect(producer.failedCount == 1)
            #expect(producer.deliveredCount == 1)

            // The failure was reported once; the producer keeps working.
            try producer.send(ProducerRecord(topic: topic, value: Array("ok again".utf8)))
            try producer.flush(timeout: .seconds(10))
            #expect(producer.deliveredCount == 2)
            withExtendedLifetime(cluster) {}
        }
    }

    @Test("flush times out while the broker is down and succeeds once it is back", .timeLimit(.minutes(1)))
    func brokerDownAndUp() async throws {
        try await blocking {
            let cluster = try makeCluster()
            let topic = uniqueName("down")
            let producer = try primedProducer(cluster, topic: topic, first: [1])

            cluster.setBrokerDown(1)
            try producer.send(ProducerRecord(topic: topic, value: [2]))
            let error = try #require(throws: KafkaError.self) { try producer.flush(timeout: .seconds(1)) }
            #expect(error.isTimeout)
            #expect(error.operation == "flush producer")
            #expect(producer.inFlightCount > 0)

            cluster.setBrokerUp(1)
            try producer.flush(timeout: .seconds(20))
            #expect(producer.deliveredCount == 2)
            #expect(producer.failedCount == 0)
            withExtendedLifetime(cluster) {}
        }
    }

    @Test("an unknown property is named in the error")
    func unknownProperty() throws {
        let error = try #require(throws: KafkaError.self) {
            try KafkaProducer(properties: ["no.such.property": "value-123"], logHandler: quietLog)
        }
        #expect(error.message.contains("no.such.property"))
        #expect(error.operation == "create producer")
        #expect(!error.description.contains("value-123"))
    }

    @Test("an invalid value names the property but never echoes the value")
    func invalidValueIsNotEchoed() throws {
        let error = try #require(throws: KafkaError.self) {
            try KafkaConsumer(
                properties: ["group.id": "g", "session.timeout.ms": "secret-42"], topics: ["t"], logHandler: quietLog)
        }
        #expect(error.message.contains("session.timeout.ms"))
        #expect(!error.description.contains("secret-42"))
    }

    @Test("a consumer without group.id is refused with an error naming it")
    func missingGroupID() throws {
        let error = try #require(throws: KafkaError.self) {
            try KafkaConsumer(properties: ["bootstrap.servers": "localhost:1"], topics: ["t"], logHandler: quietLog)
        }
        #expect(error.message.contains("group.id"))
    }

    @Test("a log handler receives librdkafka's log lines", .timeLimit(.minutes(1)))
    func logHandler() async throws {
        try await blocking {
            let cluster = try makeCluster()
            let logs = LogCollector()
            let producer = try KafkaProducer(
                properties: clientProperties(cluster).merging(["debug": "broker"]) { $1 }, logHandler: logs.handler)
            try producer.send(ProducerRecord(topic: uniqueName("log"), value: [1]))
            try producer.flush(timeout: .seconds(10))
            #expect(!logs.all.isEmpty)
            withExtendedLifetime(cluster) {}
        }
    }

    @Test("KafkaError describes operation, code name and message")
    func errorDescription() {
        let error = KafkaError(operation: "commit offsets", code: KafkaError.timedOutCode, message: "broker slow")
        #expect(error.codeName == "_TIMED_OUT")
        #expect(error.description == "commit offsets failed: _TIMED_OUT: broker slow")
        #expect(error.isTimeout)
        #expect(error.file.hasSuffix("ErrorTests.swift"))
        let ours = KafkaError(operation: "decode job", message: "bad JSON")
        #expect(ours.description == "decode job failed: LOCAL: bad JSON")
    }
}
