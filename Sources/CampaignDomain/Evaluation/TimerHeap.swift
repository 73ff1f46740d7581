/// A min-heap of (due instant, member id): the partition's pending time triggers.
///
/// Entries are not removed when a member's schedule changes; a popped entry that no longer matches the member's
/// `nextDue` is stale and skipped. This keeps rescheduling O(log n) without a lookup structure.
struct TimerHeap: Sendable {
    private var entries: [(due: Instant, memberID: String)] = []

    init() {}

    /// A heap of `entries` sorted by due time, then member id (a sorted array is already a heap), so members due at
    /// the same instant come out in the same order whatever order `entries` came in.
    init(entries: [(due: Instant, memberID: String)]) {
        self.entries = entries.sorted { $0.due != $1.due ? $0.due < $1.due : $0.memberID < $1.memberID }
    }

    var count: Int { entries.count }
    var peek: Instant? { entries.first?.due }

    mutating func push(_ due: Instant, _ memberID: String) {
        entries.append((due, memberID))
        var child = entries.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard entries[child].due < entries[parent].due else { break }
            entries.swapAt(child, parent)
            child = parent
        }
    }

    mutating func pop() -> (due: Instant, memberID: String)? {
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
