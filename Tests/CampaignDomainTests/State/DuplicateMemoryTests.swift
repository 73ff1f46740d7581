@testable import CampaignDomain
import Testing

/// The duplicate memory behaves exactly like a plain ring of 16 hashes, whichever slots are inline.
@Suite struct DuplicateMemoryTests {
    /// The plain ring the memory must match, slot for slot.
    struct ReferenceRing {
        var hashes: [UInt64] = []
        var next = 0

        mutating func insert(_ hash: UInt64) {
            if hashes.count < DuplicateMemory.capacity {
                hashes.append(hash)
            } else {
                hashes[next] = hash
                next = (next + 1) % DuplicateMemory.capacity
            }
        }
    }

    @Test(arguments: [0, 1, 3, 4, 5, 15, 16, 17, 31, 40])
    func matchesAPlainRing(_ inserts: Int) {
        var memory = DuplicateMemory()
        var reference = ReferenceRing()
        var random = SplitMix64(seed: UInt64(inserts))
        for _ in 0..<inserts {
            let hash = random.next()
            memory.insert(hash)
            reference.insert(hash)
            #expect(memory.contains(hash))
        }
        #expect(memory.hashes == reference.hashes)
        #expect(memory.next == reference.next)
        #expect(memory.count == reference.hashes.count)
        for hash in reference.hashes { #expect(memory.contains(hash)) }
        #expect(!memory.contains(0xDEAD_BEEF))
        // Rebuilt from its slots, it is the same value.
        var rebuilt = DuplicateMemory()
        rebuilt.hashes = memory.hashes
        rebuilt.next = memory.next
        #expect(rebuilt == memory)
        #expect(rebuilt.hashValue == memory.hashValue)
    }

    @Test func evictedHashesAreForgottenOldestFirst() {
        var memory = DuplicateMemory()
        for hash in 1...UInt64(DuplicateMemory.capacity) { memory.insert(hash) }
        memory.insert(100)
        #expect(!memory.contains(1) && memory.contains(2) && memory.contains(100))
        for hash in 101...104 as ClosedRange<UInt64> { memory.insert(hash) }
        #expect(!memory.contains(5) && memory.contains(6) && memory.contains(104))
    }

    @Test func zeroIsAHashLikeAnyOther() {
        var memory = DuplicateMemory()
        #expect(!memory.contains(0))
        memory.insert(0)
        #expect(memory.contains(0))
    }
}
