import Kafka
import Testing

@Suite("Producer and reader")
struct ProducerReaderTests {
    @Test("metadata loaded ahead for existing topics, and an unreachable cluster named in the error", .timeLimit(.minutes(1)))
    func loadsMetadataAhead() async throws {
        try await blocking {
            let cluster = try makeCluster()
            let topics = [uniqueName("ahead-a"), uniqueName("ahead-b")]
            for topic in topics { try cluster.createTopic(topic, partitions: 2) }
            let producer = try KafkaProducer(properties: clientProperties(cluster), logHandler: quietLog)
            try producer.loadMetadata(topics: topics, timeout: .seconds(10))
            for topic in topics { try producer.send(ProducerRecord(topic: topic, key: Array("k".utf8), value: Array("v".utf8))) }
            try producer.flush(timeout: .seconds(10))
            #expect(producer.deliveredCount == 2)

            let nowhere = try KafkaProducer(properties: ["bootstrap.servers": "127.0.0.1:1"], logHandler: quietLog)
            let error = #expect(throws: KafkaError.self) { try nowhere.loadMetadata(topics: ["orders"], timeout: .milliseconds(300)) }
            #expect(error?.description.contains("orders") == true)
        }
    }

    @Test("records round-trip with keys, headers and explicit partitions", .timeLimit(.minutes(1)))
    func roundTrip() async throws {
        try await blocking {
            let cluster = try makeCluster()
            let topic = uniqueName("round-trip")
            try cluster.createTopic(topic, partitions: 3)
            let producer = try KafkaProducer(properties: clientProperties(cluster), logHandler: quietLog)
            var records = numberedRecords(topic: topic, count: 30, partitions: 3)
            // Each case twice, at an even and an odd index (4 and 15, 5 and 16, …): every other record goes through the
            // lent-bytes path, so both paths carry every case.
            for first in [4, 15] {
                records[first].headers.append(KafkaHeader(key: "null-header", value: nil))
                records[first + 1].value = nil  // tombstone
                records[first + 2].key = nil
                records[first + 3].value = []
                // Empty is not null: an empty key and an empty header value arrive empty.
                records[first + 4].key = []
                records[first + 5].headers.append(KafkaHeader(key: "empty-header", value: []))
            }
            for (index, record) in records.enumerated() {
                if index.isMultiple(of: 2) {
                    try producer.send(record)
                } else {
                    try Self.lending(record) { key, value, names, values throws(KafkaError) in
                        try producer.send(
                            topic: record.topic, partition: record.partition, key: key, value: value, headerNames: names,
                            headerValues: values)
                    }
                }
            }
            try producer.flush(timeout: .seconds(10))
            #expect(producer.deliveredCount == 30)
            #expect(producer.failedCount == 0)

            let reader = try KafkaReader(
                properties: clientProperties(cluster),
                partitions: (0..<3).map {
                    TopicPartitionOffset(topic: topic, partition: $0, offset: TopicPartitionOffset.beginning)
                },
                logHandler: quietLog)
            let read = try reader.readToEnd(timeout: .seconds(20))
            try #require(read.count == 30)

            let byHeader = Dictionary(uniqueKeysWithValues: read.map { record in
                (Int(String(decoding: record.headers[0].value ?? [], as: UTF8.self)) ?? -1, record)
            })
            for index in 0..<30 {
                let record = try #require(byHeader[index])
                #expect(record.topic == topic)
                #expect(record.partition == Int32(index % 3))
                #expect(record.key == records[index].key)
                #expect(record.value == records[index].value)
                #expect(record.headers == records[index].headers)
                #expect(record.timestampMillis != nil)
            }
            for first in [4, 15] {
                #expect(byHeader[first + 1]?.value == nil)
                #expect(byHeader[first]?.headers.last == KafkaHeader(key: "null-header", value: nil))
            }
            // Per-partition offsets are 0..<10 in production order.
            for partition in Int32(0)..<3 {
                let offsets = read.filter { $0.partition == partition }.map(\.offset)
                #expect(offsets == Array(0..<10))
            }
            // Already at the end: a second call returns nothing, quickly.
            let again = ContinuousClock.now
            #expect(try reader.readToEnd(timeout: .seconds(5)).isEmpty)
            #expect(ContinuousClock.now - again < .seconds(3))
            withExtendedLifetime(cluster) {}
        }
    }

    @Test("the partitioner keeps one key on one partition", .timeLimit(.minutes(1)))
    func partitionerIsKeyed() async throws {
        try await blocking {
            let cluster = try makeCluster()
            let topic = uniqueName("keyed")
            try cluster.createTopic(topic, partitions: 4)
            let records = (0..<20).map { index in
                ProducerRecord(topic: topic, key: Array("member-\(index % 5)".utf8), value: Array("\(index)".utf8))
            }
            try produce(records, cluster: cluster)
            let reader = try KafkaReader(
                properties: clientProperties(cluster),
                partitions: (0..<4).map { TopicPartitionOffset(topic: topic, partition: $0, offset: -2) },
                logHandler: quietLog)
            let read = try reader.readToEnd(timeout: .seconds(20))
            #expect(read.count == 20)
            let partitionsByKey = Dictionary(grouping: read, by: { $0.keyString ?? "" }).mapValues {
                Set($0.map(\.partition))
            }
            #expect(partitionsByKey.count == 5)
            #expect(partitionsByKey.values.allSatisfy { $0.count == 1 })
            withExtendedLifetime(cluster) {}
        }
    }

    @Test("a reader starts at the given offsets", .timeLimit(.minutes(1)))
    func readerStartsAtOffset() async throws {
        try await blocking {
            let cluster = try makeCluster()
            let topic = uniqueName("offsets")
            try cluster.createTopic(topic, partitions: 1)
            try produce(numberedRecords(topic: topic, count: 10, partitions: 1), cluster: cluster)
            let reader = try KafkaReader(
                properties: clientProperties(cluster),
                partitions: [TopicPartitionOffset(topic: topic, partition: 0, offset: 7)],
                logHandler: quietLog)
            let read = try reader.readToEnd(timeout: .seconds(10))
            #expect(read.map(\.offset) == [7, 8, 9])
            withExtendedLifetime(cluster) {}
        }
    }

    /// Runs `body` with the record's key, value and header values copied into one buffer and lent from there (nil
    /// for nil), as a caller of the lent-bytes `send` holds them.
    static func lending(
        _ record: ProducerRecord,
        _ body: (UnsafeRawBufferPointer?, UnsafeRawBufferPointer?, [String], UnsafeBufferPointer<UnsafeRawBufferPointer?>) throws(KafkaError) -> Void
    ) throws(KafkaError) {
        let parts = [record.key, record.value] + record.headers.map(\.value)
        let bytes = parts.flatMap { $0 ?? [] }
        var failure: KafkaError?
        bytes.withUnsafeBytes { buffer in
            var start = 0
            let lent = parts.map { part -> UnsafeRawBufferPointer? in
                guard let part else { return nil }
                defer { start += part.count }
                return UnsafeRawBufferPointer(rebasing: buffer[start..<(start + part.count)])
            }
            Array(lent.dropFirst(2)).withUnsafeBufferPointer { values in
                do throws(KafkaError) { try body(lent[0], lent[1], record.headers.map(\.key), values) } catch { failure = error }
            }
        }
        if let failure { throw failure }
    }
}
