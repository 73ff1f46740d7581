import CampaignDomain
import Foundation
import Testing

@testable import CampaignWorker

@Suite struct ProcessingLanesTests {
    static let engine = Engine(programme: Programme(), plans: [])

    /// Stores for partitions 0..<count, each with one member named after its partition.
    static func stores(_ count: Int) -> [Int32: PartitionStore] {
        var stores: [Int32: PartitionStore] = [:]
        for partition in 0..<Int32(count) {
            var store = PartitionStore(partition: Int(partition), partitionCount: count)
            store.restore(MemberState(id: "m-\(partition)", horizon: Instant(epochMillis: 0)), engine: engine)
            stores[partition] = store
        }
        return stores
    }

    /// What one lane saw: its partitions, in the order given, and the thread it ran on.
    struct Seen: Sendable {
        var partitions: [Int32]
        var thread: UInt
    }

    static func lend(_ lanes: ProcessingLanes, _ stores: inout [Int32: PartitionStore], weights: [Int32: Int]) -> [Seen] {
        lanes.run(&stores, weight: { weights[$0] ?? 0 }) { entries in
            for index in entries.indices {
                let partition = entries[index].partition
                entries[index].store.restore(MemberState(id: "added-\(partition)", horizon: Instant(epochMillis: 0)), engine: engine)
            }
            return Seen(partitions: entries.map(\.partition), thread: UInt(pthread_self()))
        }
    }

    @Test func everyStoreIsWorkedOnOnceAndComesBackWithItsChanges() {
        var stores = Self.stores(16)
        let seen = Self.lend(ProcessingLanes(count: 3), &stores, weights: Dictionary(uniqueKeysWithValues: (0..<16).map { (Int32($0), 50) }))
        #expect(seen.count == 3)
        let partitions = seen.flatMap(\.partitions)
        #expect(partitions.sorted() == Array(0..<16))
        #expect(seen.allSatisfy { $0.partitions == $0.partitions.sorted() })
        #expect(stores.count == 16)
        for (partition, store) in stores {
            #expect(store.member("m-\(partition)") != nil)
            #expect(store.member("added-\(partition)") != nil)
            #expect(store.memberCount == 2)
        }
    }

    @Test func theHeaviestStoresAreSpreadSoTheLanesCarryAboutTheSame() {
        var stores = Self.stores(4)
        let seen = Self.lend(ProcessingLanes(count: 2), &stores, weights: [0: 600, 1: 500, 2: 100, 3: 0])
        // 600 to one lane, 500 and then 100 to the other, the empty store to the first: 601 against 600.
        #expect(Set(seen.map { Set($0.partitions) }) == [[0, 3], [1, 2]])
    }

    @Test func aHeavyBatchRunsOnTheLaneThreadsAndALightOneOnTheCaller() {
        let caller = UInt(pthread_self())
        var stores = Self.stores(4)
        let heavy = Self.lend(ProcessingLanes(count: 2), &stores, weights: [0: 100, 1: 100])
        #expect(heavy.count == 2)
        #expect(Set(heavy.map(\.thread)).count == 2)
        #expect(!heavy.contains { $0.thread == caller })
        let light = Self.lend(ProcessingLanes(count: 2), &stores, weights: [0: 10, 1: 10])
        #expect(light.count == 1)
        #expect(light.first?.thread == caller)
        #expect(light.first?.partitions == [0, 1, 2, 3])
        let one = Self.lend(ProcessingLanes(count: 1), &stores, weights: [0: 1000, 1: 1000])
        #expect(one.count == 1 && one.first?.thread != caller && one.first?.partitions == [0, 1, 2, 3])
        #expect(stores.count == 4)
    }

    @Test func theCallerIsFreeWhileTheLanesWork() {
        let lanes = ProcessingLanes(count: 2)
        var stores = Self.stores(4)
        let callerWent = DispatchSemaphore(value: 0)
        let lent = lanes.start(&stores, weight: { _ in 100 }) { entries -> Bool in
            // Waits for the caller to get past `start`: a `start` that did the work itself would time out here.
            callerWent.wait(timeout: .now() + 10) == .success
        }
        #expect(stores.isEmpty)  // lent out until `finish`
        callerWent.signal()
        callerWent.signal()
        let results = lanes.finish(lent, into: &stores)
        #expect(results == [true, true])
        #expect(stores.count == 4)
    }

    @Test func noStoresGiveOneEmptyLane() {
        var stores: [Int32: PartitionStore] = [:]
        let seen = Self.lend(ProcessingLanes(count: 4), &stores, weights: [:])
        #expect(seen.count == 1)
        #expect(seen.first?.partitions == [])
    }
}
