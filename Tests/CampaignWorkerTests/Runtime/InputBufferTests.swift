import Kafka
import Testing

@testable import CampaignWorker

@Suite struct InputBufferTests {
    static func record(_ topic: String, _ partition: Int32, _ offset: Int64) -> ConsumerRecord {
        ConsumerRecord(topic: topic, partition: partition, offset: offset, value: [])
    }

    static func offsets(_ records: [ConsumerRecord]?) -> [String] { (records ?? []).map { "\($0.topic)@\($0.offset)" } }

    @Test func takesUpToTheLimitFromEveryPartitionInPollOrder() {
        var buffer = InputBuffer()
        for offset in 0..<5 { buffer.append(Self.record("a", 0, Int64(offset))) }
        buffer.append(Self.record("a", 1, 10))
        buffer.append(Self.record("b", 0, 7))  // another topic, same store
        #expect(buffer.count == 7 && buffer.partitionCount == 2)
        var taken = buffer.take(perPartition: 3)
        #expect(Self.offsets(taken[0]) == ["a@0", "a@1", "a@2"])
        #expect(Self.offsets(taken[1]) == ["a@10"])
        #expect(buffer.count == 3 && buffer.partitionCount == 1)
        taken = buffer.take(perPartition: 3)
        #expect(Self.offsets(taken[0]) == ["a@3", "a@4", "b@7"])
        #expect(taken[1] == nil)
        #expect(buffer.isEmpty && buffer.partitionCount == 0)
    }

    @Test func keepsOrderAcrossManyTakesAndAppends() {
        var buffer = InputBuffer()
        var next: Int64 = 0, expected: Int64 = 0
        for round in 0..<50 {
            for _ in 0..<(round % 7 + 1) {
                buffer.append(Self.record("a", 3, next))
                next += 1
            }
            for record in buffer.take(perPartition: 2)[3] ?? [] {
                #expect(record.offset == expected)
                expected += 1
            }
        }
        while !buffer.isEmpty {
            for record in buffer.take(perPartition: 5)[3] ?? [] {
                #expect(record.offset == expected)
                expected += 1
            }
        }
        #expect(expected == next)
    }

    @Test func removingAPartitionDropsOnlyThatTopicsRecords() {
        var buffer = InputBuffer()
        buffer.append(Self.record("a", 0, 1))
        buffer.append(Self.record("b", 0, 2))
        buffer.append(Self.record("a", 0, 3))
        buffer.append(Self.record("a", 1, 4))
        _ = buffer.take(perPartition: 1)  // a@1 and a@4 go
        buffer.remove([TopicPartition(topic: "a", partition: 0)])
        #expect(buffer.count == 1)
        #expect(Self.offsets(buffer.take(perPartition: 10)[0]) == ["b@2"])
        buffer.append(Self.record("a", 2, 5))
        buffer.removeAll()
        #expect(buffer.isEmpty && buffer.take(perPartition: 10).isEmpty)
    }
}
