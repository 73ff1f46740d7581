/// The occurrences a member has had evaluated, kept long enough to stop any re-firing.
///
/// An entry is two words: its fire time and a shared box (`SharedValue`) with the plan id, the counted flag and the
/// occurrence name. Names many members have (`"once"`, years, months, dates) are interned, so members that handled
/// the same occurrence of a plan share one box; names of one member only (an instant and a day count, an event id)
/// get a box of their own. The first two entries sit in the log value itself (`InlineList`).
public struct OccurrenceLog: Sendable, Hashable {
    /// Entries older than this behind the member's horizon are pruned (two years covers yearly triggers and their offsets).
    public static let retentionSeconds: Int64 = 800 * 86_400
    private var log = InlineList<Entry>()

    /// What an entry shares with the same occurrence of the same plan in other members' logs.
    struct Key: Sendable, Hashable {
        var planID: String
        /// Whether the entry counts towards `limits.perMember`.
        var counted: Bool
        var occurrence: String

        /// Whether other members are likely to have this occurrence name too, so interning it pays: `"once"`,
        /// `"lifetime"`, and short names of digits and hyphens (years, months, dates). Instants with day counts and
        /// event ids belong to one member; interning them would only fill the table.
        var isShared: Bool {
            if occurrence == "once" || occurrence == "lifetime" { return true }
            return occurrence.utf8.count <= 10 && occurrence.utf8.allSatisfy { $0 == UInt8(ascii: "-") || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }
        }
    }

    /// One `HandledOccurrence`, compactly.
    struct Entry: Sendable, Hashable {
        var key: SharedValue<Key>
        var firedAt: Int64

        var planID: String { key.value.planID }

        static func == (lhs: Entry, rhs: Entry) -> Bool {
            lhs.firedAt == rhs.firedAt && (lhs.key === rhs.key || lhs.key.value == rhs.key.value)
        }

        func hash(into hasher: inout Hasher) {
            hasher.combine(key.value)
            hasher.combine(firedAt)
        }
    }

    public init() {}

    /// Every entry, oldest first.
    public var entries: [HandledOccurrence] {
        log.map {
            HandledOccurrence(
                planID: $0.planID, occurrence: $0.key.value.occurrence, firedAt: Instant(epochMillis: $0.firedAt),
                counted: $0.key.value.counted)
        }
    }

    public var isEmpty: Bool { log.isEmpty }

    public func contains(planID: String, occurrence: String) -> Bool {
        log.contains { $0.planID == planID && $0.key.value.occurrence == occurrence }
    }

    /// Like `contains(planID:occurrence:)`, spelling the name out only when the plan has entries at all.
    public func contains(planID: String, name: Occurrence.Name) -> Bool {
        log.contains { $0.planID.isSameText(as: planID) && name.isSpelled(by: $0.key.value.occurrence) }
    }

    public mutating func record(_ entry: HandledOccurrence) {
        let key = Key(planID: entry.planID, counted: entry.counted, occurrence: entry.occurrence)
        let shared = key.isShared ? SharedValues.occurrenceKey(key) : SharedValue(key)
        log.append(Entry(key: shared, firedAt: entry.firedAt.epochMillis))
    }

    /// Appends an entry whose key box is already made (a restore's decoder shares boxes across members).
    mutating func append(_ key: SharedValue<Key>, firedAt: Instant) {
        log.append(Entry(key: key, firedAt: firedAt.epochMillis))
    }

    /// Counted firings of `planID` with `firedAt` in `(since, through]`.
    public func countedFirings(planID: String, after since: Instant, through: Instant) -> Int {
        let since = since.epochMillis, through = through.epochMillis
        return log.reduce(0) {
            $0 + ($1.firedAt > since && $1.firedAt <= through && $1.key.value.counted && $1.planID == planID ? 1 : 0)
        }
    }

    public mutating func prune(before horizon: Instant) {
        let cutoff = horizon.adding(seconds: -Self.retentionSeconds).epochMillis
        log.removeAll { $0.firedAt < cutoff }
    }
}

extension OccurrenceLog {
    /// How many entries there are; with `subscript`, read without building `entries` (the changelog encoder).
    var count: Int { log.count }

    subscript(index: Int) -> Entry { log[index] }

    /// The stored entries, for tests of the representation.
    var logEntries: [Entry] { Array(log) }
}
