/// The members of a partition by id: a hash table that stores each member once, in a numbered slot.
///
/// A `[String: MemberState]` dictionary stores each id a second time as its key (16 bytes) next to the member's box
/// pointer, in a table at most three-quarters full: about 50 bytes a member. Here a member is its slot (the box
/// pointer, 8 bytes) and an index entry (a 4-byte slot number in a table at most three-quarters full), and lookups
/// compare the id kept in the member itself. Slot numbers are stable while a member stays, so the timer heap refers to
/// members by slot (see `TimerHeap`). A removed member's slot is not reused until `reuseFreedSlots()`, which the store
/// calls only when no timer entry can still name it.
public struct MemberTable: Sendable, Equatable {
    /// Members by slot number; nil for a freed slot.
    private var slots: [MemberState?] = []
    /// Open addressing with linear probing: 0 is an empty bucket, otherwise the slot number + 1.
    private var index: [UInt32] = []
    /// Slots freed since the last `reuseFreedSlots()`, not to be reused yet.
    private var freed: [UInt32] = []
    /// Slots free for reuse.
    private var free: [UInt32] = []
    public private(set) var count = 0
    /// Changes whenever a member is added or removed, or a freed slot becomes reusable: what refers to members by
    /// slot (a sweep's order) is only good for the generation it was made in.
    private(set) var generation = 0

    public init() {}

    public var isEmpty: Bool { count == 0 }

    /// The ids of the members, in no particular order.
    public var keys: some Sequence<String> { slots.lazy.compactMap { $0?.id } }

    /// The members, in no particular order.
    public var values: some Sequence<MemberState> { slots.lazy.compactMap { $0 } }

    public subscript(id: String) -> MemberState? {
        get { find(id).map { slots[Int($0.slot)] } ?? nil }
        set {
            if let newValue { updateValue(newValue, forKey: id) } else { removeValue(forKey: id) }
        }
    }

    /// The slot number of the member `id`, when there is one.
    func slot(of id: String) -> UInt32? { find(id)?.slot }

    /// The member in slot `slot`; nil when the slot is free.
    func member(inSlot slot: UInt32) -> MemberState? { Int(slot) < slots.count ? slots[Int(slot)] : nil }

    /// The occupied slots with their members' ids, sorted by id; only those whose member `isIncluded` when given.
    func slotsSortedByID(where isIncluded: ((MemberState) -> Bool)? = nil) -> [(id: String, slot: UInt32)] {
        var pairs: [(id: String, slot: UInt32)] = []
        pairs.reserveCapacity(count)
        for (slot, member) in slots.enumerated() {
            if let member, isIncluded?(member) ?? true { pairs.append((member.id, UInt32(slot))) }
        }
        return pairs.sorted { $0.id < $1.id }
    }

    /// Changes the member in slot `slot`, if any, in place: the slot lets go of it meanwhile, so the member's box is
    /// not copied when nothing else shares it. `change` must leave the id alone.
    mutating func modifyMember(inSlot slot: UInt32, _ change: (inout MemberState) -> Void) {
        guard var member = slots[Int(slot)] else { return }
        slots[Int(slot)] = nil
        let id = member.id
        change(&member)
        precondition(member.id == id, "a member's id does not change in place")
        slots[Int(slot)] = member
    }

    /// Takes the member out of slot `slot` to be changed, leaving the slot empty until `putBack(_:inSlot:)`: with no
    /// other reference, the member's box is changed in place instead of copied. While it is out, lookups by id do not
    /// find it.
    mutating func takeMember(inSlot slot: UInt32) -> MemberState? {
        guard Int(slot) < slots.count, let member = slots[Int(slot)] else { return nil }
        slots[Int(slot)] = nil
        return member
    }

    /// Returns a member taken out with `takeMember(inSlot:)` to its slot.
    mutating func putBack(_ member: MemberState, inSlot slot: UInt32) {
        precondition(slots[Int(slot)] == nil, "a member is put back into the slot it was taken from")
        slots[Int(slot)] = member
    }

    /// The due time of the member in slot `slot`, without copying the member out (nil when the slot is free).
    func nextDue(inSlot slot: UInt32) -> Instant? { Int(slot) < slots.count ? slots[Int(slot)]?.nextDue : nil }

    /// Stores `member` under `id` (which must be `member.id`); returns the member it replaced.
    @discardableResult
    public mutating func updateValue(_ member: MemberState, forKey id: String) -> MemberState? {
        store(member, forKey: id).previous
    }

    /// `updateValue`, also returning the member's slot.
    private mutating func store(_ member: MemberState, forKey id: String) -> (previous: MemberState?, slot: UInt32) {
        precondition(member.id == id, "a member is stored under its own id")
        let hash = id.hashValue
        if let found = find(id, hash: hash) {
            let previous = slots[Int(found.slot)]
            slots[Int(found.slot)] = member
            return (previous, found.slot)
        }
        generation &+= 1
        if (count + 1) * 4 > index.count * 3 { grow() }
        let slot: UInt32
        if let reused = free.popLast() {
            slot = reused
            slots[Int(slot)] = member
        } else {
            slot = UInt32(slots.count)
            slots.append(member)
        }
        // The id was hashed once for the lookup above: hashing is most of what storing a member costs.
        var bucket = hash & (index.count - 1)
        while index[bucket] != 0 { bucket = (bucket + 1) & (index.count - 1) }
        index[bucket] = slot + 1
        count += 1
        return (nil, slot)
    }

    /// Puts `member` in slot `slot` in place of the member there, which must have the same id.
    mutating func replace(_ member: MemberState, inSlot slot: UInt32) {
        precondition(slots[Int(slot)]?.id == member.id, "a member replaces the member with its id")
        slots[Int(slot)] = member
    }

    /// Stores a member whose id is not in the table yet; returns its slot.
    mutating func insert(_ member: MemberState) -> UInt32 {
        let stored = store(member, forKey: member.id)
        precondition(stored.previous == nil, "a member is inserted once")
        return stored.slot
    }

    /// Removes the member `id`; returns it.
    @discardableResult
    public mutating func removeValue(forKey id: String) -> MemberState? {
        guard let found = find(id) else { return nil }
        let member = slots[Int(found.slot)]
        slots[Int(found.slot)] = nil
        freed.append(found.slot)
        count -= 1
        generation &+= 1
        // Backward-shift deletion: move later entries of the probe run into the gap when that is nearer their home.
        let mask = index.count - 1
        var gap = found.bucket
        var next = (gap + 1) & mask
        while index[next] != 0 {
            let home = home(of: slots[Int(index[next] - 1)]!.id)
            // The entry at `next` may move to `gap` when its home is not cyclically within (gap, next].
            if (next - home) & mask >= (next - gap) & mask {
                index[gap] = index[next]
                gap = next
            }
            next = (next + 1) & mask
        }
        index[gap] = 0
        return member
    }

    /// Lets slots freed so far be reused: call only when nothing refers to a removed member's slot any more.
    mutating func reuseFreedSlots() {
        generation &+= 1
        free += freed
        freed.removeAll()
    }

    public static func == (lhs: MemberTable, rhs: MemberTable) -> Bool {
        lhs.count == rhs.count && lhs.values.allSatisfy { rhs[$0.id] == $0 }
    }

    private func home(of id: String) -> Int { id.hashValue & (index.count - 1) }

    private func find(_ id: String, hash: Int? = nil) -> (bucket: Int, slot: UInt32)? {
        guard !index.isEmpty else { return nil }
        var bucket = (hash ?? id.hashValue) & (index.count - 1)
        while index[bucket] != 0 {
            let slot = index[bucket] - 1
            if slots[Int(slot)]?.id == id { return (bucket, slot) }
            bucket = (bucket + 1) & (index.count - 1)
        }
        return nil
    }

    private mutating func grow() {
        index = Array(repeating: 0, count: max(16, index.count * 2))
        let mask = index.count - 1
        for (slot, member) in slots.enumerated() {
            guard let member else { continue }
            var bucket = home(of: member.id)
            while index[bucket] != 0 { bucket = (bucket + 1) & mask }
            index[bucket] = UInt32(slot) + 1
        }
    }
}
