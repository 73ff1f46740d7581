/// A ring of the last 16 event hashes (source + id) seen for a member.
///
/// The first four slots are stored inline, so a member with few events needs no array; the other twelve go into one
/// array allocated when the fifth hash arrives. Slot order, eviction order and equality are those of a plain ring.
public struct DuplicateMemory: Sendable, Hashable {
    public static let capacity = 16
    static let inlineCapacity = 4
    private var slot0: UInt64 = 0
    private var slot1: UInt64 = 0
    private var slot2: UInt64 = 0
    private var slot3: UInt64 = 0
    /// Slots 4 and up, exactly `count - inlineCapacity` of them (empty while the inline slots suffice).
    private var overflow: [UInt64] = []
    private var filled: UInt8 = 0
    /// The slot the next hash overwrites once the ring is full.
    private var nextSlot: UInt8 = 0

    public init() {}

    /// How many slots hold a hash.
    public var count: Int { Int(filled) }

    public func contains(_ hash: UInt64) -> Bool {
        switch filled {
        case 0: return false
        case 1: return slot0 == hash
        case 2: return slot0 == hash || slot1 == hash
        case 3: return slot0 == hash || slot1 == hash || slot2 == hash
        default: return slot0 == hash || slot1 == hash || slot2 == hash || slot3 == hash || overflow.contains(hash)
        }
    }

    public mutating func insert(_ hash: UInt64) {
        if count < Self.capacity {
            append(hash)
        } else {
            self[next] = hash
            next = (next + 1) % Self.capacity
        }
    }

    // Internal (not private) so `MemberStateCodec` can store the ring exactly as it is.

    /// The hashes in slot order.
    var hashes: [UInt64] {
        get { (0..<count).map { self[$0] } }
        set {
            precondition(newValue.count <= Self.capacity, "a duplicate memory holds at most \(Self.capacity) hashes")
            let next = self.next
            self = DuplicateMemory()
            for hash in newValue { append(hash) }
            self.next = next
        }
    }

    /// Calls `body` with each hash in slot order (what `hashes` lists, without building the array).
    func forEachHash(_ body: (UInt64) -> Void) {
        for slot in 0..<count { body(self[slot]) }
    }

    /// The slot the next hash overwrites once the ring is full.
    var next: Int {
        get { Int(nextSlot) }
        set { nextSlot = UInt8(newValue) }
    }

    private mutating func append(_ hash: UInt64) {
        if count >= Self.inlineCapacity, overflow.isEmpty { overflow.reserveCapacity(Self.capacity - Self.inlineCapacity) }
        filled += 1
        self[count - 1] = hash
    }

    private subscript(slot: Int) -> UInt64 {
        get {
            switch slot {
            case 0: slot0
            case 1: slot1
            case 2: slot2
            case 3: slot3
            default: overflow[slot - Self.inlineCapacity]
            }
        }
        set {
            switch slot {
            case 0: slot0 = newValue
            case 1: slot1 = newValue
            case 2: slot2 = newValue
            case 3: slot3 = newValue
            default:
                let index = slot - Self.inlineCapacity
                if index == overflow.count { overflow.append(newValue) } else { overflow[index] = newValue }
            }
        }
    }
}
