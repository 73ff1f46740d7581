extension MemberStateCodec {
    /// A member read from the changelog, with the schedule fingerprint its `nextDue` was stored under.
    public struct Decoded: Sendable {
        public var member: MemberState
        /// Nil when the record has none (written without one, or by a version before fingerprints).
        public var schedule: ScheduleFingerprint?
    }

    /// Decodes changelog values one after another, sharing what members repeat across records.
    ///
    /// Members share a handful of tier, locale and zone combinations and a few dozen plan ids. Looking each one up once
    /// per decoder, instead of interning every field of every record under a process-wide lock, is most of what makes
    /// a restore fast. A decoder holds no member between calls.
    public struct Decoder: Sendable {
        /// Entries each cache keeps at most, so unusual input cannot grow a decoder without bound (past the cap, values
        /// are interned through the shared tables, which is just as correct, only slower).
        static let cacheCapacity = 4096

        /// The tier, locale, zone identifier and packed tags as a record spells them.
        struct ProfileKey: Hashable, Sendable {
            var tier: String?
            var locale: String?
            var zoneID: String?
            /// `MemberState.packTags`'s form; empty when the member has none or they do not pack.
            var tags = ""

            var isEmpty: Bool { tier == nil && locale == nil && zoneID == nil && tags.isEmpty }
        }

        /// A plan id met in an occurrence log, found again by its UTF-8 bytes, with the shared occurrence boxes met
        /// for it (names many members have, such as years), found again by their bytes too.
        struct KnownPlan: Sendable {
            let utf8: [UInt8]
            let id: String
            var sharedNames: [(utf8: [UInt8], key: SharedValue<OccurrenceLog.Key>)] = []
        }

        /// Shared names kept per plan at most; past that, names are interned through the shared table each time.
        static let namesPerPlan = 64

        /// The fields' decoders by tag, read once here rather than through the lazily initialised global per field.
        private let decoders = MemberStateCodec.decodersByTag
        private var profiles: [ProfileKey: SharedValue<MemberState.Profile>] = [:]
        private var plans: [KnownPlan] = []
        /// The current record's plan table, as indices into `plans` (kept between records for its buffer).
        private var recordPlans: [Int] = []
        /// The tags being read, packed, and each one's length (kept between records for their buffers).
        private var packedTags: [UInt8] = []
        private var tagLengths: [Int] = []

        // The record being decoded; the fields' decode closures fill these in.
        /// The member so far; nil between records, so the member returned is the only reference to its storage.
        var member: MemberState!
        var profile = ProfileKey()
        /// Tags that do not pack (one holds the separator), set after the profile.
        var unpackableTags: [String]?
        var schedule: ScheduleFingerprint?

        public init() {}

        /// Decodes one changelog value; throws (never traps) on anything this version did not write.
        public mutating func decode(_ bytes: [UInt8]) throws(MemberStateDecodingError) -> Decoded {
            guard let format = bytes.first else { throw MemberStateDecodingError(.empty) }
            guard format == MemberStateCodec.formatVersion else { throw MemberStateDecodingError(.unsupportedFormat(format)) }
            member = MemberState(id: "", horizon: Instant(epochMillis: 0))
            profile = ProfileKey()
            unpackableTags = nil
            schedule = nil
            defer { member = nil }
            try ByteReader.withReader(over: bytes, from: 1, field: "record") { reader throws(MemberStateDecodingError) in
                try decodeFields(&reader)
            }
            try setProfile()
            if let unpackableTags { member.tags = unpackableTags }
            return Decoded(member: member, schedule: schedule)
        }

        /// Reads every field of a record into `member`, `profile` and `schedule`.
        private mutating func decodeFields(_ reader: inout ByteReader) throws(MemberStateDecodingError) {
            // Known tags are below 64 (checked when the table is built), so the tags seen fit in one word.
            var seen: UInt64 = 0
            let count = try reader.count()
            for _ in 0..<count {
                let tag = try reader.varint()
                let length = try reader.count()
                let payload = try reader.take(length)
                guard tag < 64, let field = decoders[Int(tag)] else { continue }  // a newer version's: skipped
                guard seen & (1 << tag) == 0 else {
                    throw MemberStateDecodingError(.invalidValue("repeated"), field: field.name.description)
                }
                seen |= 1 << tag
                var fieldReader = ByteReader(payload, field: field.name)
                try field.decode(&fieldReader, &self)
                guard fieldReader.isAtEnd else { throw fieldReader.invalid("\(fieldReader.remaining) unexpected trailing bytes") }
            }
            guard reader.isAtEnd else { throw reader.invalid("\(reader.remaining) bytes after the last field") }
            for field in MemberStateCodec.fields where field.isRequired && seen & (1 << field.tag) == 0 {
                throw MemberStateDecodingError(.missingField, field: field.name.description)
            }
        }

        /// Gives the member the shared box for the tier, locale and zone read, looked up once per combination.
        private mutating func setProfile() throws(MemberStateDecodingError) {
            guard !profile.isEmpty else { return }
            if let shared = profiles[profile] {
                member.setSharedProfile(shared)
                return
            }
            var zone: SharedValue<Zone>?
            if let identifier = profile.zoneID {
                guard let known = Zone(identifier: identifier) else {
                    throw MemberStateDecodingError(.invalidValue("unknown time zone \(identifier)"), field: "timeZone")
                }
                zone = SharedValues.zone(known)
            }
            let shared = SharedValues.profile(
                MemberState.Profile(tier: profile.tier, locale: profile.locale, zone: zone, tags: profile.tags))
            if profiles.count < Self.cacheCapacity { profiles[profile] = shared }
            member.setSharedProfile(shared)
        }

        /// Reads an occurrence log's plan table: each id is looked up by its bytes among the plans met before, so a
        /// restore makes one string per plan, not per record.
        mutating func readPlanTable(_ reader: inout ByteReader) throws(MemberStateDecodingError) {
            recordPlans.removeAll(keepingCapacity: true)
            for _ in 0..<(try reader.count()) {
                let raw = try reader.take(try reader.count())
                if let known = plans.firstIndex(where: { $0.utf8.count == raw.count && $0.utf8.elementsEqual(raw) }) {
                    recordPlans.append(known)
                    continue
                }
                guard let id = String(validUTF8: raw.assumingMemoryBound(to: UInt8.self)) else { throw reader.error(.invalidUTF8) }
                // Past the cap, start over: memory stays bounded, and the plans still in use come back.
                if plans.count >= Self.cacheCapacity { plans.removeAll() }
                plans.append(KnownPlan(utf8: Array(raw), id: id))
                recordPlans.append(plans.count - 1)
            }
        }

        /// How many plans the current record's plan table has.
        var recordPlanCount: Int { recordPlans.count }

        /// The occurrence log box for plan `index` of the current record's plan table, `counted`, and the name in
        /// `raw`: a shared name's box is found by its bytes without hashing or the interning lock after its first time.
        mutating func occurrenceKey(
            plan index: Int, counted: Bool, name raw: UnsafeRawBufferPointer, reader: ByteReader
        ) throws(MemberStateDecodingError) -> SharedValue<OccurrenceLog.Key> {
            let known = recordPlans[index]
            if let found = plans[known].sharedNames.first(where: {
                $0.key.value.counted == counted && $0.utf8.count == raw.count && $0.utf8.elementsEqual(raw)
            }) {
                return found.key
            }
            guard let name = String(validUTF8: raw.assumingMemoryBound(to: UInt8.self)) else { throw reader.error(.invalidUTF8) }
            let key = OccurrenceLog.Key(planID: plans[known].id, counted: counted, occurrence: name)
            guard key.isShared else { return SharedValue(key) }
            let shared = SharedValues.occurrenceKey(key)
            if plans[known].sharedNames.count < Self.namesPerPlan { plans[known].sharedNames.append((Array(raw), shared)) }
            return shared
        }

        /// Reads a tag list straight into `MemberState.packTags`'s form, without a string per tag.
        mutating func readTags(_ reader: inout ByteReader) throws(MemberStateDecodingError) {
            packedTags.removeAll(keepingCapacity: true)
            tagLengths.removeAll(keepingCapacity: true)
            var separated = false
            for _ in 0..<(try reader.count()) {
                let raw = try reader.take(try reader.count())
                var tagBits: UInt8 = 0
                for byte in raw {
                    tagBits |= byte
                    separated = separated || byte == MemberState.tagSeparator
                }
                if tagBits >= 0x80, String(validUTF8: raw.assumingMemoryBound(to: UInt8.self)) == nil { throw reader.error(.invalidUTF8) }
                packedTags.append(MemberState.tagSeparator)
                packedTags.append(contentsOf: raw)
                tagLengths.append(raw.count)
            }
            guard separated else {
                profile.tags = String(decoding: packedTags, as: UTF8.self)
                return
            }
            // A tag holding the separator cannot be packed: the tags are kept as a list (rare).
            var tags: [String] = []
            var start = 0
            for length in tagLengths {
                tags.append(String(decoding: packedTags[(start + 1)..<(start + 1 + length)], as: UTF8.self))
                start += 1 + length
            }
            unpackableTags = tags
        }
    }
}

extension MemberState {
    /// Sets tier, locale and zone at once to an interned box (nil when all three are nil).
    mutating func setSharedProfile(_ shared: SharedValue<Profile>?) {
        uniqueStorage().profile = shared
    }
}
