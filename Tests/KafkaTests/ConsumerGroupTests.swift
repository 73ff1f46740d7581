import Kafka
import Synchronization
import Testing

@Suite("Group consumer")
struct ConsumerGroupTests {
    @Test("a consumer is assigned every partition, reads all records, commits and seeks", .timeLimit(.minutes(1)))
    func consumeCommitSeek() async throws {
        try await blocking {
            let cluster = try makeCluster()
            let topic = uniqueName("group")
            try cluster.createTopic(topic, partitions: 4)
            try produce(numberedRecords(topic: topic, count: 20, partitions: 4), cluster: cluster)

            let consumer = try KafkaConsumer(
                properties: consumerProperties(cluster, group: uniqueName("g")), topics: [topic], logHandler: quietLog)
            let records = try pollRecords(consumer, count: 20, timeout: .seconds(20))
            #expect(records.count == 20)
            #expect(Set(records.compactMap(\.valueString)) == Set((0..<20).map { "v\($0)" }))

            let all = (Int32(0)..<4).map { TopicPartition(topic: topic, partition: $0) }
            #expect(consumer.takeRebalanceEvents() == [.assigned(all)])
            #expect(try consumer.assignment() == all)

            // Commit the next offset of every partition, then read it back.
            let next = Dictionary(grouping: records, by: \.topicPartition).map { partition, records in
                TopicPartitionOffset(partition, offset: (records.map(\.offset).max() ?? -1) + 1)
            }
            try consumer.commit(next)
            let committed = try consumer.committed(all, timeout: .seconds(10))
            #expect(Set(committed) == Set(next))
            #expect(committed.allSatisfy { $0.offset == 5 })

            // Rewind partition 0 and read its records again.
            try consumer.seek(TopicPartitionOffset(topic: topic, partition: 0, offset: 2), timeout: .seconds(10))
            let again = try pollRecords(consumer, count: 3, timeout: .seconds(10))
            #expect(again.map(\.partition) == [0, 0, 0])
            #expect(again.map(\.offset) == [2, 3, 4])

            consumer.close()
            consumer.close()  // idempotent
            #expect(consumer.takeRebalanceEvents() == [.revoked(all)])
            #expect(throws: KafkaError.self) { try consumer.poll(maxRecords: 1, timeout: .zero) }
            withExtendedLifetime(cluster) {}
        }
    }

    @Test("the revocation handler runs before partitions are given up, while they are still assigned", .timeLimit(.minutes(1)))
    func revocationHandler() async throws {
        try await blocking {
            let cluster = try makeCluster()
            let topic = uniqueName("revoke")
            try cluster.createTopic(topic, partitions: 2)
            let all = (Int32(0)..<2).map { TopicPartition(topic: topic, partition: $0) }
            let box = RevocationBox()
            let consumer = try KafkaConsumer(
                properties: consumerProperties(cluster, group: uniqueName("g")), topics: [topic], logHandler: quietLog,
                onRevoke: { partitions, lost in box.record(partitions, lost: lost) })
            box.consumer.withLock { $0 = consumer }
            let deadline = ContinuousClock.now.advanced(by: .seconds(30))
            while try consumer.assignment().isEmpty, ContinuousClock.now < deadline {
                _ = try consumer.poll(maxRecords: 10, timeout: .milliseconds(100))
            }
            #expect(box.calls.withLock { $0.isEmpty }, "nothing is revoked on assignment")
            // The handler can still commit for the partitions it is losing: they are assigned while it runs.
            try consumer.commit([TopicPartitionOffset(topic: topic, partition: 0, offset: 0)])
            consumer.close()
            let calls = box.calls.withLock { $0 }
            #expect(calls.count == 1)
            #expect(calls.first?.partitions == all)
            #expect(calls.first?.lost == false)
            #expect(calls.first?.assignedDuringCall == all)
            #expect(consumer.takeRebalanceEvents().last == .revoked(all))
            box.consumer.withLock { $0 = nil }  // the handler's box and the consumer refer to each other
            withExtendedLifetime(cluster) {}
        }
    }

    @Test("committed offsets are invalid before any commit", .timeLimit(.minutes(1)))
    func nothingCommitted() async throws {
        try await blocking {
            let cluster = try makeCluster()
            let topic = uniqueName("none")
            try cluster.createTopic(topic, partitions: 2)
            let consumer = try KafkaConsumer(
                properties: consumerProperties(cluster, group: uniqueName("g")), topics: [topic], logHandler: quietLog)
            let partitions = [TopicPartition(topic: topic, partition: 0), TopicPartition(topic: topic, partition: 1)]
            let committed = try consumer.committed(partitions, timeout: .seconds(10))
            #expect(committed.map(\.offset) == [TopicPartitionOffset.invalid, TopicPartitionOffset.invalid])
            consumer.close()
            withExtendedLifetime(cluster) {}
        }
    }

    @Test("a second member triggers an incremental rebalance that revokes only some partitions", .timeLimit(.minutes(1)))
    func cooperativeRebalance() async throws {
        try await blocking {
            let cluster = try makeCluster()
            let topic = uniqueName("coop")
            try cluster.createTopic(topic, partitions: 4)
            let group = uniqueName("g")
            let all = (Int32(0)..<4).map { TopicPartition(topic: topic, partition: $0) }

            let first = try KafkaConsumer(
                properties: consumerProperties(cluster, group: group), topics: [topic], logHandler: quietLog)
            let deadline = ContinuousClock.now.advanced(by: .seconds(30))
            var firstEvents: [RebalanceEvent] = []
            while firstEvents.isEmpty, ContinuousClock.now < deadline {
                _ = try first.poll(maxRecords: 10, timeout: .milliseconds(100))
                firstEvents += first.takeRebalanceEvents()
            }
            #expect(firstEvents == [.assigned(all)])

            let second = try KafkaConsumer(
                properties: consumerProperties(cluster, group: group), topics: [topic], logHandler: quietLog)
            var secondEvents: [RebalanceEvent] = []
            // Both members must keep polling for the rebalance to progress.
            while ContinuousClock.now < deadline {
                _ = try first.poll(maxRecords: 10, timeout: .milliseconds(50))
                _ = try second.poll(maxRecords: 10, timeout: .milliseconds(50))
                firstEvents += first.takeRebalanceEvents()
                secondEvents += second.takeRebalanceEvents()
                if try first.assignment().count == 2, try second.assignment().count == 2 { break }
            }
            let firstAssignment = try first.assignment()
            let secondAssignment = try second.assignment()
            #expect(firstAssignment.count == 2)
            #expect(secondAssignment.count == 2)
            #expect(Set(firstAssignment).isDisjoint(with: secondAssignment))
            #expect(Set(firstAssignment + secondAssignment) == Set(all))

            // Cooperative: the first member gave up exactly the two moved partitions, never all four.
            let revoked = firstEvents.flatMap { event -> [TopicPartition] in
                if case .revoked(let partitions) = event { return partitions }
                return []
            }
            #expect(Set(revoked) == Set(secondAssignment))
            #expect(!firstEvents.contains(.lost(all)))
            let assignedToSecond = secondEvents.flatMap { event -> [TopicPartition] in
                if case .assigned(let partitions) = event { return partitions }
                return []
            }
            #expect(Set(assignedToSecond) == Set(secondAssignment))

            second.close()
            // Let the rebalance that the leave started finish before closing the first member too: closing while an
            // incremental unassign is pending can block librdkafka's close indefinitely.
            let settled = ContinuousClock.now.advanced(by: .seconds(20))
            while try first.assignment().count < 4, ContinuousClock.now < settled {
                _ = try first.poll(maxRecords: 10, timeout: .milliseconds(50))
            }
            first.close()
            withExtendedLifetime(cluster) {}
        }
    }
}

/// What the revocation handler saw, written from inside the rebalance callback.
final class RevocationBox: Sendable {
    struct Call: Sendable {
        var partitions: [TopicPartition]
        var lost: Bool
        var assignedDuringCall: [TopicPartition]
    }

    let consumer = Mutex<KafkaConsumer?>(nil)
    let calls = Mutex<[Call]>([])

    func record(_ partitions: [TopicPartition], lost: Bool) {
        let assigned = (try? consumer.withLock { try $0?.assignment() }) ?? nil
        calls.withLock { $0.append(Call(partitions: partitions, lost: lost, assignedDuringCall: assigned ?? [])) }
    }
}
