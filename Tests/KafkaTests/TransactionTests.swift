import Kafka
import Testing

@Suite("Transactions")
struct TransactionTests {
    @Test("committed transactions are visible to read_committed readers, aborted ones are not", .timeLimit(.minutes(1)))
    func commitAndAbort() async throws {
        try await blocking {
            let cluster = try makeCluster()
            let topic = uniqueName("txn")
            try cluster.createTopic(topic, partitions: 2)
            var properties = clientProperties(cluster)
            properties["transactional.id"] = uniqueName("tx")
            let producer = try KafkaProducer(properties: properties, logHandler: quietLog)
            try producer.initTransactions(timeout: .seconds(10))

            try transaction(producer, topic: topic, values: ["a1", "a2", "a3"], commit: true)
            try transaction(producer, topic: topic, values: ["x1", "x2"], commit: false)
            try transaction(producer, topic: topic, values: ["b1", "b2"], commit: true)

            let partitions = (Int32(0)..<2).map {
                TopicPartitionOffset(topic: topic, partition: $0, offset: TopicPartitionOffset.beginning)
            }
            let committedReader = try KafkaReader(
                properties: clientProperties(cluster).merging(["isolation.level": "read_committed"]) { $1 },
                partitions: partitions, logHandler: quietLog)
            let visible = Set(try committedReader.readToEnd(timeout: .seconds(20)).compactMap(\.valueString))
            #expect(visible.isSuperset(of: ["a1", "a2", "a3", "b1", "b2"]))
            withKnownIssue(
                """
                librdkafka 2.8's mock broker writes no transaction markers and reports no aborted \
                transactions in Fetch responses, so read_committed cannot filter flushed aborted records.
                """
            ) {
                #expect(visible.isDisjoint(with: ["x1", "x2"]))
            }

            let uncommittedReader = try KafkaReader(
                properties: clientProperties(cluster).merging(["isolation.level": "read_uncommitted"]) { $1 },
                partitions: partitions, logHandler: quietLog)
            let everything = try uncommittedReader.readToEnd(timeout: .seconds(20))
            #expect(Set(everything.compactMap(\.valueString)) == ["a1", "a2", "a3", "x1", "x2", "b1", "b2"])
            withExtendedLifetime(cluster) {}
        }
    }

    @Test("aborting purges records not yet sent, and flush does not report them", .timeLimit(.minutes(1)))
    func abortPurgesQueuedRecords() async throws {
        try await blocking {
            let cluster = try makeCluster()
            let topic = uniqueName("purge")
            try cluster.createTopic(topic, partitions: 1)
            var properties = clientProperties(cluster)
            properties["transactional.id"] = uniqueName("tx")
            properties["linger.ms"] = "2000"  // keeps the aborted records in the local queue
            let producer = try KafkaProducer(properties: properties, logHandler: quietLog)
            try producer.initTransactions(timeout: .seconds(10))
            try transaction(producer, topic: topic, values: ["a1"], commit: true)

            try producer.beginTransaction()
            try producer.send(ProducerRecord(topic: topic, value: Array("x1".utf8)))
            try producer.send(ProducerRecord(topic: topic, value: Array("x2".utf8)))
            try producer.abortTransaction(timeout: .seconds(10))
            #expect(producer.failedCount == 2)
            try producer.flush(timeout: .seconds(5))  // the purge is not reported as a failure

            try transaction(producer, topic: topic, values: ["b1"], commit: true)
            let reader = try KafkaReader(
                properties: clientProperties(cluster).merging(["isolation.level": "read_committed"]) { $1 },
                partitions: [TopicPartitionOffset(topic: topic, partition: 0, offset: TopicPartitionOffset.beginning)],
                logHandler: quietLog)
            #expect(try reader.readToEnd(timeout: .seconds(20)).compactMap(\.valueString) == ["a1", "b1"])
            withExtendedLifetime(cluster) {}
        }
    }

    /// Runs one transaction that sends `values` round-robin over two partitions, then commits or aborts.
    private func transaction(_ producer: KafkaProducer, topic: String, values: [String], commit: Bool) throws {
        try producer.beginTransaction()
        for (index, value) in values.enumerated() {
            try producer.send(ProducerRecord(topic: topic, partition: Int32(index % 2), value: Array(value.utf8)))
        }
        if commit {
            try producer.commitTransaction(timeout: .seconds(10))
        } else {
            // Flush first so the records reach the log; abort would otherwise purge them locally.
            try producer.flush(timeout: .seconds(10))
            try producer.abortTransaction(timeout: .seconds(10))
        }
    }

    /// librdkafka 2.8's mock broker acknowledges TxnOffsetCommit without storing the offsets, so the
    /// group's committed offsets cannot be checked here; this checks the calls succeed end to end.
    @Test("offsets can be sent to a transaction that is then committed", .timeLimit(.minutes(1)))
    func sendOffsetsToTransaction() async throws {
        try await blocking {
            let cluster = try makeCluster()
            let input = uniqueName("in")
            let output = uniqueName("out")
            try cluster.createTopic(input, partitions: 1)
            try cluster.createTopic(output, partitions: 1)
            try produce(numberedRecords(topic: input, count: 5, partitions: 1), cluster: cluster)

            let consumer = try KafkaConsumer(
                properties: consumerProperties(cluster, group: uniqueName("g")).merging(
                    ["isolation.level": "read_committed"]) { $1 },
                topics: [input], logHandler: quietLog)
            let records = try pollRecords(consumer, count: 5, timeout: .seconds(20))
            try #require(records.count == 5)

            var properties = clientProperties(cluster)
            properties["transactional.id"] = uniqueName("tx")
            let producer = try KafkaProducer(properties: properties, logHandler: quietLog)
            try producer.initTransactions(timeout: .seconds(10))
            try producer.beginTransaction()
            for record in records {
                try producer.send(ProducerRecord(topic: output, key: record.key, value: record.value))
            }
            let next = [TopicPartitionOffset(topic: input, partition: 0, offset: 5)]
            try producer.sendOffsetsToTransaction(next, consumer: consumer, timeout: .seconds(10))
            try producer.commitTransaction(timeout: .seconds(10))

            let reader = try KafkaReader(
                properties: clientProperties(cluster).merging(["isolation.level": "read_committed"]) { $1 },
                partitions: [TopicPartitionOffset(topic: output, partition: 0, offset: TopicPartitionOffset.beginning)],
                logHandler: quietLog)
            #expect(try reader.readToEnd(timeout: .seconds(20)).count == 5)
            consumer.close()
            withExtendedLifetime(cluster) {}
        }
    }

    @Test("transaction calls without transactional.id fail with a clear error", .timeLimit(.minutes(1)))
    func notTransactional() async throws {
        try await blocking {
            let cluster = try makeCluster()
            let producer = try KafkaProducer(properties: clientProperties(cluster), logHandler: quietLog)
            let error = try #require(throws: KafkaError.self) {
                try producer.initTransactions(timeout: .seconds(5))
            }
            #expect(error.description.hasPrefix("init transactions failed: "))
            withExtendedLifetime(cluster) {}
        }
    }
}
