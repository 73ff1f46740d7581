import Synchronization

/// An immutable value in a box that every member holding an equal value shares: tier, locale and zone combinations,
/// time zones, occurrence log entries' plan ids, counted flags and names.
///
/// A member then stores one pointer (8 bytes) instead of the value (16 bytes for a string, 24 for a zone), and a
/// value that came off the changelog is not a separate allocation per member. Interning happens only when a value is
/// set; reading it takes no lock.
final class SharedValue<Value: Hashable & Sendable>: Sendable {
    let value: Value

    init(_ value: Value) { self.value = value }
}

/// The boxes handed out so far for one kind of value, up to a cap so unusual input cannot grow it without bound
/// (past the cap a value gets a box of its own, which is just as correct, only not shared).
struct InternTable<Value: Hashable & Sendable>: Sendable {
    let capacity: Int
    private var boxes: [Value: SharedValue<Value>] = [:]

    init(capacity: Int) { self.capacity = capacity }

    var count: Int { boxes.count }

    /// The shared box for `value`.
    mutating func box(for value: Value) -> SharedValue<Value> {
        if let shared = boxes[value] { return shared }
        let shared = SharedValue(value)
        if boxes.count < capacity { boxes[value] = shared }
        return shared
    }
}

/// The process-wide intern tables behind `SharedValue`.
enum SharedValues {
    static let capacity = 4096
    /// Uncapped: `Zone(identifier:)` only accepts identifiers the system's time zone database knows, a few hundred, so
    /// every zone is interned and two members' zones are equal exactly when their boxes are identical.
    private static let zones = Mutex(InternTable<Zone>(capacity: .max))
    /// Only names `OccurrenceLog.Key.isShared` says many members have are interned here.
    private static let occurrenceKeys = Mutex(InternTable<OccurrenceLog.Key>(capacity: capacity))
    /// Larger: tier × locale × zone combinations can number in the thousands (each entry is about 100 bytes).
    private static let profiles = Mutex(InternTable<MemberState.Profile>(capacity: 65_536))

    /// The shared box for `zone` (zones are equal when their identifiers are).
    static func zone(_ zone: Zone) -> SharedValue<Zone> {
        zones.withLock { $0.box(for: zone) }
    }

    /// The shared box for an occurrence log entry's plan id, counted flag and name.
    static func occurrenceKey(_ key: OccurrenceLog.Key) -> SharedValue<OccurrenceLog.Key> {
        occurrenceKeys.withLock { $0.box(for: key) }
    }

    /// The shared box for a member's tier, locale and zone.
    static func profile(_ profile: MemberState.Profile) -> SharedValue<MemberState.Profile> {
        profiles.withLock { $0.box(for: profile) }
    }
}
