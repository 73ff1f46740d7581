@testable import CampaignDomain
import Testing

@Suite struct TimerHeapTests {
    /// A rebuilt heap pops by due time, and members due at the same instant in one order whatever order they came
    /// in: a restore rebuilds the heap from a dictionary, whose order differs from process to process.
    @Test func rebuiltHeapPopsTiesInOneOrderWhateverTheInputOrder() {
        let at = Instant(epochMillis: 1_000)
        let later = Instant(epochMillis: 2_000)
        let entries = [(at, "m-3"), (later, "m-0"), (at, "m-1"), (at, "m-2"), (later, "m-9")]
        var generator = SplitMix64(seed: 9)
        var orders: Set<[String]> = []
        for _ in 0..<20 {
            var shuffled = entries
            shuffled.shuffle(using: &generator)
            var heap = TimerHeap(entries: shuffled.map { (due: $0.0, memberID: $0.1) })
            // Pushed after the rebuild, in between: popped by due time.
            heap.push(Instant(epochMillis: 1_500), "m-5")
            var popped: [String] = []
            while let entry = heap.pop() { popped.append(entry.memberID) }
            #expect(Set(popped.prefix(3)) == ["m-1", "m-2", "m-3"])
            #expect(Array(popped.dropFirst(3)) == ["m-5", "m-0", "m-9"] || Array(popped.dropFirst(3)) == ["m-5", "m-9", "m-0"])
            orders.insert(popped)
        }
        #expect(orders.count == 1)
    }
}
