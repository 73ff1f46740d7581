extension MemberState {
    /// The fields of one member, in a box shared by copies of a `MemberState` until one of them changes.
    ///
    /// One box per member instead of a 350-byte struct keeps each dictionary slot holding a member (the store's
    /// members, its uncheckpointed originals) at one pointer. Inside, optional instants and the last active date are
    /// plain integers with a presence bit in `word`, counts and days are 32 bits wide, and fields few members use live
    /// in `rare`; so does any value too wide for its narrow field (never from a parsed event; kept so no value is
    /// lost). The stored properties are ordered so none needs padding: the box is 232 bytes, which malloc serves
    /// from its 240-byte size class.
    ///
    /// Sendable because it is never mutated while shared: `MemberState` mutates a box only through `uniqueStorage()`,
    /// which copies it unless `isKnownUniquelyReferenced` holds, the same discipline that makes `Array` Sendable.
    /// No other code holds a reference to it.
    ///
    /// Its stored properties skip the runtime's dynamic exclusivity checks (`@exclusivity(unchecked)`): every access
    /// goes through a `MemberState` value that the compiler checks statically, and a box reached through a shared value
    /// is only read, so two overlapping accesses to one box's property would need two overlapping accesses to one
    /// `MemberState`, which does not compile.
    final class Storage: @unchecked Sendable {
        @exclusivity(unchecked) var id: String
        /// Tier, locale, zone and tags together, interned: members share a handful of combinations. Nil when all are
        /// at their defaults.
        @exclusivity(unchecked) var profile: SharedValue<Profile>?
        /// Milliseconds since the epoch; meaningful when `flags` has `.enrolledAt`.
        @exclusivity(unchecked) var enrolledAt: Int64 = 0
        /// Milliseconds since the epoch; meaningful when `flags` has `.lastActivity`.
        @exclusivity(unchecked) var lastActivity: Int64 = 0
        /// Milliseconds since the epoch.
        @exclusivity(unchecked) var horizon: Int64
        /// Milliseconds since the epoch; meaningful when `flags` has `.nextDue`.
        @exclusivity(unchecked) var nextDue: Int64 = 0
        @exclusivity(unchecked) var lifetimeSpendMicros: Int64 = 0
        /// `PeriodSpend.yearSpend` in micros.
        @exclusivity(unchecked) var yearSpendMicros: Int64 = 0
        /// `PeriodSpend.monthSpend` in micros.
        @exclusivity(unchecked) var monthSpendMicros: Int64 = 0
        @exclusivity(unchecked) var points = PointsLedger()
        @exclusivity(unchecked) var occurrences = OccurrenceLog()
        @exclusivity(unchecked) var rare: RareBox?
        // The 4-byte fields after the duplicate memory (42 bytes), in its trailing padding.
        @exclusivity(unchecked) var recentEvents = DuplicateMemory()
        @exclusivity(unchecked) var consents = Consents()
        /// Days since 1970-01-01; meaningful when `flags` has `.lastActiveDate` (`rare` has it when it does not fit).
        @exclusivity(unchecked) var lastActiveDay32: Int32 = 0
        /// `activityStreakDays` (`rare` has it when it does not fit).
        @exclusivity(unchecked) var streak32: Int32 = 0
        /// `orderCount` (`rare` has it when it does not fit).
        @exclusivity(unchecked) var orderCount32: Int32 = 0
        /// `PeriodSpend.month` (year × 12 + month − 1); the period spend's year is this divided by 12, rounded down
        /// (`rare` has the whole period spend when its year is not that, or the month does not fit).
        @exclusivity(unchecked) var spendMonth32: Int32 = 0
        /// `Birthday.packed` in the bits of `Birthday.packedMask` (meaningful when `flags` has `.birthday`; a birthday
        /// that does not pack is in `rare`), and `Flags` in bits 10 to 14.
        @exclusivity(unchecked) var word: UInt32 = 0

        init(id: String, horizon: Int64) {
            self.id = id
            self.horizon = horizon
        }

        /// A new box with the same fields (arrays and the rare box are shared until changed: they copy on write too).
        func copy() -> Storage {
            let other = Storage(id: id, horizon: horizon)
            other.profile = profile
            other.enrolledAt = enrolledAt
            other.lastActivity = lastActivity
            other.nextDue = nextDue
            other.lifetimeSpendMicros = lifetimeSpendMicros
            other.yearSpendMicros = yearSpendMicros
            other.monthSpendMicros = monthSpendMicros
            other.points = points
            other.occurrences = occurrences
            other.rare = rare
            other.recentEvents = recentEvents
            other.consents = consents
            other.lastActiveDay32 = lastActiveDay32
            other.streak32 = streak32
            other.orderCount32 = orderCount32
            other.spendMonth32 = spendMonth32
            other.word = word
            return other
        }

        /// Which optional fields are present (bits 10 to 14 of `word`).
        var flags: Flags {
            get { Flags(rawValue: UInt8(truncatingIfNeeded: word >> 10) & 0x1F) }
            set { word = word & ~(0x1F << 10) | UInt32(newValue.rawValue) << 10 }
        }

        var tier: String? {
            get { profile?.value.tier }
            set { changeProfile { $0.tier = newValue } }
        }

        var locale: String? {
            get { profile?.value.locale }
            set { changeProfile { $0.locale = newValue } }
        }

        var timeZone: Zone? {
            get { profile?.value.zone?.value }
            set { changeProfile { $0.zone = newValue.map(SharedValues.zone) } }
        }

        /// The member's zone box (zones are interned without a cap, so equal zones are the same box).
        var sharedTimeZone: SharedValue<Zone>? { profile?.value.zone }

        private func changeProfile(_ change: (inout Profile) -> Void) {
            var value = profile?.value ?? Profile()
            change(&value)
            profile = value == Profile() ? nil : SharedValues.profile(value)
        }

        func instant(_ millis: Int64, _ flag: Flags) -> Instant? {
            flags.contains(flag) ? Instant(epochMillis: millis) : nil
        }

        /// The milliseconds to store for an optional instant, setting or clearing its presence flag.
        ///
        /// Not a setter taking a key path: key paths are resolved at run time, about 1,500 instructions a write.
        func stored(_ value: Instant?, flag: Flags) -> Int64 {
            flags.set(flag, value != nil)
            return value?.epochMillis ?? 0
        }

        var lastActiveDay: Int64? {
            get {
                guard flags.contains(.lastActiveDate) else { return nil }
                return rare?.fields.wideLastActiveDay ?? Int64(lastActiveDay32)
            }
            set {
                lastActiveDay32 = narrow(newValue, spilled: rare?.fields.wideLastActiveDay) { $0.wideLastActiveDay = $1 }
                flags.set(.lastActiveDate, newValue != nil)
            }
        }

        var activityStreakDays: Int {
            get { rare?.fields.wideStreak ?? Int(streak32) }
            set { streak32 = narrow(newValue, spilled: rare?.fields.wideStreak) { $0.wideStreak = $1 } }
        }

        var orderCount: Int {
            get { rare?.fields.wideOrderCount ?? Int(orderCount32) }
            set { orderCount32 = narrow(newValue, spilled: rare?.fields.wideOrderCount) { $0.wideOrderCount = $1 } }
        }

        /// `value` for a 32-bit field (0 when nil or too wide); a value too wide is kept in a rare field (`spilled`
        /// holds it now, `spill` stores it), which is cleared once the value fits again.
        private func narrow<Value: BinaryInteger>(
            _ value: Value?, spilled: Value?, spill: (inout RareFields, Value?) -> Void
        ) -> Int32 {
            let narrow = value.flatMap { Int32(exactly: $0) }
            let wide = narrow == nil ? value : nil
            if wide != spilled { modifyRare { spill(&$0, wide) } }
            return narrow ?? 0
        }

        var periodSpend: PeriodSpend {
            get {
                if let wide = rare?.fields.widePeriodSpend { return wide }
                var spend = PeriodSpend()
                spend.month = Int(spendMonth32)
                spend.year = spend.month.floorDivInt(12)
                spend.yearSpend = DecimalAmount(micros: yearSpendMicros)
                spend.monthSpend = DecimalAmount(micros: monthSpendMicros)
                return spend
            }
            set {
                yearSpendMicros = newValue.yearSpend.micros
                monthSpendMicros = newValue.monthSpend.micros
                let narrow = Int32(exactly: newValue.month).flatMap { newValue.year == newValue.month.floorDivInt(12) ? $0 : nil }
                spendMonth32 = narrow ?? 0
                let wide = narrow == nil ? newValue : nil
                if wide != rare?.fields.widePeriodSpend { modifyRare { $0.widePeriodSpend = wide } }
            }
        }

        var birthday: Birthday? {
            get {
                if flags.contains(.birthday) { return Birthday(packed: word & Birthday.packedMask) }
                return rare?.fields.unpackableBirthday
            }
            set {
                if let newValue, let packed = newValue.packed {
                    word = word & ~Birthday.packedMask | packed
                    flags.insert(.birthday)
                    if rare?.fields.unpackableBirthday != nil { modifyRare { $0.unpackableBirthday = nil } }
                } else {
                    word &= ~Birthday.packedMask
                    flags.remove(.birthday)
                    if newValue != nil || rare?.fields.unpackableBirthday != nil { modifyRare { $0.unpackableBirthday = newValue } }
                }
            }
        }

        var tags: [String] {
            get {
                if let tags = rare?.fields.unpackableTags { return tags }
                return MemberState.unpackTags(profile?.value.tags ?? "")
            }
            set {
                if let packed = MemberState.packTags(newValue) {
                    if packed != profile?.value.tags ?? "" { changeProfile { $0.tags = packed } }
                    if rare?.fields.unpackableTags != nil { modifyRare { $0.unpackableTags = nil } }
                } else {
                    if profile?.value.tags.isEmpty == false { changeProfile { $0.tags = "" } }
                    modifyRare { $0.unpackableTags = newValue }
                }
            }
        }

        /// Moves the rare fields out for a change (leaving no box); `putRare` puts them back.
        ///
        /// When this box held the only reference to the rare box, the fields' arrays move out unshared, so changing
        /// them does not copy them.
        func takeRare() -> RareFields {
            guard rare != nil else { return RareFields() }
            if isKnownUniquelyReferenced(&rare) {
                // Ours alone: the fields move out without a copy, and the emptied box waits for `putRare`. Copying
                // them out and boxing them again cost a copy of every rare field and an allocation per change (a
                // monthly statement changes `recurringLast` for every member it reaches).
                var fields = RareFields()
                swap(&fields, &rare!.fields)
                return fields
            }
            let fields = rare!.fields
            rare = nil
            return fields
        }

        /// Stores changed rare fields, dropping the box when they are all at their defaults, and refilling the box
        /// `takeRare` emptied when there is one.
        ///
        /// The fields are swapped in, leaving `fields` at its defaults: passed by value, they were copied field by
        /// field (the callers pass them from a `defer`).
        func putRare(_ fields: inout RareFields) {
            if fields.isEmpty {
                rare = nil
                return
            }
            let box = rare ?? RareBox(RareFields())
            swap(&box.fields, &fields)
            rare = box
        }

        func modifyRare(_ change: (inout RareFields) -> Void) {
            var fields = takeRare()
            change(&fields)
            putRare(&fields)
        }

        func hasEqualFields(_ other: Storage) -> Bool {
            id == other.id && (profile === other.profile || profile?.value == other.profile?.value)
                && enrolledAt == other.enrolledAt && lastActivity == other.lastActivity && horizon == other.horizon
                && nextDue == other.nextDue && lifetimeSpendMicros == other.lifetimeSpendMicros
                && yearSpendMicros == other.yearSpendMicros && monthSpendMicros == other.monthSpendMicros
                && points == other.points && occurrences == other.occurrences && recentEvents == other.recentEvents
                && consents == other.consents && lastActiveDay32 == other.lastActiveDay32 && streak32 == other.streak32
                && orderCount32 == other.orderCount32 && spendMonth32 == other.spendMonth32 && word == other.word
                && (rare?.fields ?? RareFields()) == (other.rare?.fields ?? RareFields())
        }

        func hashFields(into hasher: inout Hasher) {
            hasher.combine(id)
            hasher.combine(horizon)
            hasher.combine(nextDue)
            hasher.combine(word)
            hasher.combine(recentEvents)
            hasher.combine(occurrences)
            hasher.combine(points)
        }
    }

    /// A member's tier, locale, time zone and tags: few distinct combinations, so members share them (see
    /// `SharedValues`).
    struct Profile: Sendable, Hashable {
        var tier: String?
        var locale: String?
        /// Interned without a cap, so comparing boxes compares zones.
        var zone: SharedValue<Zone>?
        /// `MemberState.packTags`; empty when the member has no tags or they do not pack (then they are in `rare`).
        var tags = ""

        init(tier: String? = nil, locale: String? = nil, zone: SharedValue<Zone>? = nil, tags: String = "") {
            self.tier = tier
            self.locale = locale
            self.zone = zone
            self.tags = tags
        }

        static func == (lhs: Profile, rhs: Profile) -> Bool {
            lhs.tier == rhs.tier && lhs.locale == rhs.locale && lhs.zone === rhs.zone && lhs.tags == rhs.tags
        }

        func hash(into hasher: inout Hasher) {
            hasher.combine(tier)
            hasher.combine(locale)
            hasher.combine(zone.map(ObjectIdentifier.init))
            hasher.combine(tags)
        }
    }

    /// Which of the storage's optional fields are present.
    struct Flags: OptionSet, Sendable, Hashable {
        let rawValue: UInt8
        static let enrolledAt = Flags(rawValue: 1)
        static let lastActivity = Flags(rawValue: 2)
        static let nextDue = Flags(rawValue: 4)
        static let lastActiveDate = Flags(rawValue: 8)
        static let birthday = Flags(rawValue: 16)

        mutating func set(_ flag: Flags, _ present: Bool) {
            if present { insert(flag) } else { remove(flag) }
        }
    }

    /// Fields most members leave at their defaults: a member pays one pointer for all of them until one is set.
    struct RareFields: Sendable, Hashable {
        var homeStore: String?
        var couponsRedeemed = 0
        var heldNotifications: [HeldNotification] = []
        var recurringLast: [String: LocalDate] = [:]
        var notificationsSent: [SentNotification] = []
        /// A birthday outside `Birthday.packed`'s range (never from a parsed event; kept so no value is lost).
        var unpackableBirthday: Birthday?
        /// Tags with a U+001F in one of them, which `packTags` cannot join.
        var unpackableTags: [String]?
        /// A last active date (days since 1970-01-01) too far from 1970 for 32 bits.
        var wideLastActiveDay: Int64?
        /// An activity streak too long for 32 bits.
        var wideStreak: Int?
        /// An order count too large for 32 bits.
        var wideOrderCount: Int?
        /// A period spend whose month does not fit 32 bits or whose year is not the month's.
        var widePeriodSpend: PeriodSpend?

        /// Whether every field is at its default, field by field: comparing with `RareFields()` built a default value
        /// and compared its collections on every change of a rare field.
        var isEmpty: Bool {
            let empty =
                homeStore == nil && couponsRedeemed == 0 && heldNotifications.isEmpty && recurringLast.isEmpty
                && notificationsSent.isEmpty && unpackableBirthday == nil && unpackableTags == nil
                && wideLastActiveDay == nil && wideStreak == nil && wideOrderCount == nil && widePeriodSpend == nil
            assert(empty == (self == RareFields()), "isEmpty names every field of RareFields")
            return empty
        }
    }

    /// The rare fields' box, shared by the copies of a `Storage` until one of them changes a rare field.
    ///
    /// Sendable by `Storage`'s discipline one level down: its fields change only in `Storage.takeRare` and `putRare`,
    /// on a `Storage` reached through `uniqueStorage()`, and only while `isKnownUniquelyReferenced` holds for the box;
    /// a shared box is only read (a change then copies the fields into a new box). No other code holds a reference.
    /// `@exclusivity(unchecked)` for the same reason as `Storage`'s properties.
    final class RareBox: @unchecked Sendable {
        @exclusivity(unchecked) var fields: RareFields

        init(_ fields: consuming RareFields) { self.fields = fields }
    }
}

extension MemberState {
    static let tagSeparator: UInt8 = 0x1F

    /// The tags as one string, each preceded by U+001F (unit separator); nil when a tag contains that character.
    ///
    /// A member's few short tags then fit in a string's 15 inline bytes, where an array costs an allocation.
    static func packTags(_ tags: [String]) -> String? {
        var packed = ""
        for tag in tags {
            guard !tag.utf8.contains(tagSeparator) else { return nil }
            packed.append("\u{1F}")
            packed.append(tag)
        }
        return packed
    }

    /// The tags in `packTags`'s form, or nil when they are kept as a list (a tag holds the separator); what `tags`
    /// unpacks, for the changelog encoder to write without a string per tag.
    var packedTags: String? { storage.rare?.fields.unpackableTags == nil ? storage.profile?.value.tags ?? "" : nil }

    /// Calls `body` with each tag's bytes in `packed` (`packTags`'s form), in order, until it returns false.
    ///
    /// Every tag starts with the separator, so each run of bytes after one is a tag, found in place.
    static func forEachPackedTag(in packed: UnsafeBufferPointer<UInt8>, _ body: (UnsafeBufferPointer<UInt8>) -> Bool) {
        var start: Int? = nil
        for index in 0...packed.count where index == packed.count || packed[index] == tagSeparator {
            if let start, !body(UnsafeBufferPointer(rebasing: packed[start..<index])) { return }
            start = index + 1
        }
    }

    /// Whether the member has the tag `tag` (`tags.contains(tag)`, without unpacking the tags when they are ASCII).
    func hasTag(_ tag: String) -> Bool {
        guard var packed = packedTags else { return tags.contains(tag) }
        var tag = tag
        let found = tag.withUTF8 { wanted in
            packed.withUTF8 { utf8 -> Bool? in
                // Non-ASCII text compares as strings do (canonically equivalent spellings are equal), not byte by byte.
                guard ByteWord.isASCII(UnsafeRawBufferPointer(wanted)), ByteWord.isASCII(UnsafeRawBufferPointer(utf8)) else { return nil }
                var found = false
                Self.forEachPackedTag(in: utf8) { candidate in
                    found = ByteWord.same(UnsafeRawBufferPointer(candidate), UnsafeRawBufferPointer(wanted))
                    return !found
                }
                return found
            }
        }
        return found ?? tags.contains(tag)
    }

    /// The tags `packTags` joined into `packed`.
    static func unpackTags(_ packed: String) -> [String] {
        guard !packed.isEmpty else { return [] }
        return packed.utf8.split(separator: tagSeparator, omittingEmptySubsequences: false).dropFirst().map {
            String(decoding: $0, as: UTF8.self)
        }
    }
}

extension MemberState: CustomReflectable {
    /// Every member field by name, as the public properties read it (the codec tests compare these names with the
    /// codec's fields, so a field without an encoding fails a test).
    public var customMirror: Mirror {
        Mirror(
            self,
            children: [
                ("id", id as Any), ("enrolledAt", enrolledAt as Any), ("tier", tier as Any), ("birthday", birthday as Any),
                ("timeZone", timeZone as Any), ("locale", locale as Any), ("homeStore", homeStore as Any), ("tags", tags),
                ("consents", consents), ("lastActivity", lastActivity as Any), ("activityStreakDays", activityStreakDays),
                ("lastActiveDate", lastActiveDate as Any), ("orderCount", orderCount), ("lifetimeSpend", lifetimeSpend),
                ("periodSpend", periodSpend), ("points", points), ("couponsRedeemed", couponsRedeemed),
                ("recentEvents", recentEvents), ("occurrences", occurrences), ("heldNotifications", heldNotifications),
                ("recurringLast", recurringLast), ("notificationsSent", notificationsSent), ("horizon", horizon),
                ("nextDue", nextDue as Any),
            ],
            displayStyle: .struct)
    }

    /// The stored properties of the boxes, each with the member fields it holds (bookkeeping holds none).
    ///
    /// `MemberStateStorageTests` checks this against the boxes' actual stored properties, so a new stored property
    /// must be named here, and then in `customMirror`, and then in the codec.
    static let storedFieldOwners: [String: [String]] = [
        "id": ["id"], "profile": ["tier", "locale", "timeZone", "tags"], "enrolledAt": ["enrolledAt"],
        "lastActivity": ["lastActivity"], "horizon": ["horizon"], "nextDue": ["nextDue"],
        "lastActiveDay32": ["lastActiveDate"], "streak32": ["activityStreakDays"], "orderCount32": ["orderCount"],
        "lifetimeSpendMicros": ["lifetimeSpend"], "yearSpendMicros": ["periodSpend"], "monthSpendMicros": ["periodSpend"],
        "spendMonth32": ["periodSpend"], "word": ["birthday", "enrolledAt", "lastActivity", "nextDue", "lastActiveDate"],
        "points": ["points"], "occurrences": ["occurrences"], "rare": [], "recentEvents": ["recentEvents"],
        "consents": ["consents"], "homeStore": ["homeStore"], "couponsRedeemed": ["couponsRedeemed"],
        "heldNotifications": ["heldNotifications"], "recurringLast": ["recurringLast"],
        "notificationsSent": ["notificationsSent"], "unpackableBirthday": ["birthday"], "unpackableTags": ["tags"],
        "wideLastActiveDay": ["lastActiveDate"], "wideStreak": ["activityStreakDays"], "wideOrderCount": ["orderCount"],
        "widePeriodSpend": ["periodSpend"],
    ]
}
