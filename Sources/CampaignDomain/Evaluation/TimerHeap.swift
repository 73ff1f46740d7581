/// A min-heap of (due instant, member slot): the partition's pending time triggers.
///
/// Entries are not removed when a member's schedule changes; a popped entry that no longer matches the member's
/// `nextDue` is stale and skipped. This keeps rescheduling O(log n) without a lookup structure. An entry names the
/// member by its `MemberTable` slot, so it is 16 bytes instead of 24 with the id.
struct TimerHeap: Sendable {
    private var entries: [(due: Instant, slot: UInt32)] = []

    var count: Int { entries.count }
    var peek: Instant? { entries.first?.due }

    mutating func push(_ due: Instant, slot: UInt32) {
        entries.append((due, slot))
        var child = entries.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard entries[child].due < entries[parent].due else { break }
            entries.swapAt(child, parent)
            child = parent
        }
    }

    mutating func pop() -> (due: Instant, slot: UInt32)? {
        guard !entries.isEmpty else { return nil }
        entries.swapAt(0, entries.count - 1)
        let top = entries.removeLast()
        var parent = 0
        while true {
            let left = 2 * parent + 1
            let right = left + 1
            var smallest = parent
            if left < entries.count, entries[left].due < entries[smallest].due { smallest = left }
            if right < entries.count, entries[right].due < entries[smallest].due { smallest = right }
            guard smallest != parent else { break }
            entries.swapAt(parent, smallest)
            parent = smallest
        }
        return top
    }

    mutating func removeAll() { entries.removeAll() }
}
