/// The profile boxes a changelog decoder made, found again by the bytes a record spells the profile with.
///
/// Members share a few tier, locale, zone and tag combinations. Looking a record's up by its bytes spares the four
/// strings a lookup by value would make and hash for every record of a restore. A cache only: a profile spelled with
/// other bytes (its fields in another order) is a miss, and the box made for it is the shared one all the same.
struct ProfileCache: Sendable {
    /// A record's tier, locale, zone identifier and packed tags, as it spells them: each part is its field's tag, the
    /// part's length (four bytes, little-endian) and its bytes, in the order read.
    struct Key: Sendable, Equatable {
        private(set) var bytes: [UInt8] = []

        /// Whether the record has none of the parts: the member's profile is then nil.
        var isEmpty: Bool { bytes.isEmpty }

        mutating func clear() { bytes.removeAll(keepingCapacity: true) }

        /// Adds the part of field `tag`, even an empty one: an empty tier, locale or zone is a value, not an absence.
        mutating func append(_ tag: UInt8, _ part: UnsafeRawBufferPointer) {
            let start = begin(tag)
            bytes.append(contentsOf: part)
            end(start, droppingIfEmpty: false)
        }

        /// Starts the part of field `tag`, whose bytes the caller appends with `appendToPart` before `end`; returns where
        /// it starts.
        mutating func begin(_ tag: UInt8) -> Int {
            let start = bytes.count
            bytes.append(tag)
            bytes.append(contentsOf: [0, 0, 0, 0] as [UInt8])
            return start
        }

        mutating func appendToPart(_ byte: UInt8) { bytes.append(byte) }
        mutating func appendToPart(_ part: UnsafeRawBufferPointer) { bytes.append(contentsOf: part) }

        /// Ends the part that starts at `start`, writing its length; `droppingIfEmpty` drops it when it has no bytes
        /// (tags: no tags are the same as no tag field).
        mutating func end(_ start: Int, droppingIfEmpty: Bool) {
            let length = bytes.count - start - 5
            guard length > 0 || !droppingIfEmpty else {
                bytes.removeSubrange(start...)
                return
            }
            precondition(length <= Int(UInt32.max), "a profile part longer than 4 GiB")
            for index in 0..<4 { bytes[start + 1 + index] = UInt8(truncatingIfNeeded: length >> (8 * index)) }
        }

        /// Drops the part that starts at `start`.
        mutating func remove(_ start: Int) {
            bytes.removeSubrange(start..<(start + 5 + length(at: start)))
        }

        /// The bytes of the part of field `tag`, nil when there is none.
        func part(_ tag: UInt8) -> ArraySlice<UInt8>? {
            var start = 0
            while start < bytes.count {
                let length = length(at: start)
                if bytes[start] == tag { return bytes[(start + 5)..<(start + 5 + length)] }
                start += 5 + length
            }
            return nil
        }

        private func length(at start: Int) -> Int {
            (0..<4).reduce(0) { $0 | Int(bytes[start + 1 + $1]) << (8 * $1) }
        }

        /// A 64-bit hash of the bytes, eight at a time.
        var hash: UInt64 {
            bytes.withUnsafeBytes { raw in
                var hash: UInt64 = 0x9E37_79B9_7F4A_7C15 ^ UInt64(raw.count)
                var index = 0
                func mix(_ word: UInt64) {
                    hash = (hash ^ word) &* 0xFF51_AFD7_ED55_8CCD
                    hash ^= hash >> 32
                }
                while index + 8 <= raw.count {
                    mix(raw.loadUnaligned(fromByteOffset: index, as: UInt64.self))
                    index += 8
                }
                var tail: UInt64 = 0
                var shift: UInt64 = 0
                while index < raw.count {
                    tail |= UInt64(raw[index]) << shift
                    shift += 8
                    index += 1
                }
                mix(tail)
                return hash ^ hash >> 29
            }
        }
    }

    /// Boxes kept at most; past that, lookups miss and nothing more is kept.
    let capacity: Int
    /// Open addressing: each slot is an index into `entries` plus one, or 0 when empty; at least twice `capacity`.
    private var slots: [Int32]
    private var entries: [(hash: UInt64, key: Key, shared: SharedValue<MemberState.Profile>)] = []

    init(capacity: Int) {
        self.capacity = capacity
        var size = 16
        while size < 2 * capacity { size *= 2 }
        slots = Array(repeating: 0, count: size)
    }

    var count: Int { entries.count }

    /// The box made before for a profile spelled as `key`.
    subscript(key: Key) -> SharedValue<MemberState.Profile>? {
        let hash = key.hash
        let mask = slots.count - 1
        var slot = Int(truncatingIfNeeded: hash) & mask
        while slots[slot] != 0 {
            let entry = Int(slots[slot]) - 1
            if entries[entry].hash == hash, entries[entry].key == key { return entries[entry].shared }
            slot = (slot + 1) & mask
        }
        return nil
    }

    /// Keeps `shared` for the profile spelled as `key` (which must be a miss), while there is room.
    mutating func insert(_ shared: SharedValue<MemberState.Profile>, for key: Key) {
        guard entries.count < capacity else { return }
        let hash = key.hash
        let mask = slots.count - 1
        var slot = Int(truncatingIfNeeded: hash) & mask
        while slots[slot] != 0 { slot = (slot + 1) & mask }
        entries.append((hash, key, shared))
        slots[slot] = Int32(entries.count)
    }
}
