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

        /// The tier, locale and zone identifier as a record spells them.
        struct ProfileKey: Hashable, Sendable {
            var tier: String?
            var locale: String?
            var zoneID: String?

            var isEmpty: Bool { tier == nil && locale == nil && zoneID == nil }
        }

        private var profiles: [ProfileKey: SharedValue<MemberState.Profile>] = [:]
        private var planMarks: [OccurrenceLog.PlanMark: SharedValue<OccurrenceLog.PlanMark>] = [:]

        // The record being decoded; the fields' decode closures fill these in.
        /// The member so far; nil between records, so the member returned is the only reference to its storage.
        var member: MemberState!
        var profile = ProfileKey()
        var schedule: ScheduleFingerprint?

        public init() {}

        /// Decodes one changelog value; throws (never traps) on anything this version did not write.
        public mutating func decode(_ bytes: [UInt8]) throws(MemberStateDecodingError) -> Decoded {
            guard let format = bytes.first else { throw MemberStateDecodingError(.empty) }
            guard format == MemberStateCodec.formatVersion else { throw MemberStateDecodingError(.unsupportedFormat(format)) }
            member = MemberState(id: "", horizon: Instant(epochMillis: 0))
            profile = ProfileKey()
            schedule = nil
            defer { member = nil }
            try ByteReader.withReader(over: bytes, from: 1, field: "record") { reader throws(MemberStateDecodingError) in
                try decodeFields(&reader)
            }
            try setProfile()
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
                guard tag < 64, let field = MemberStateCodec.decodersByTag[Int(tag)] else { continue }  // a newer version's: skipped
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
            let shared = SharedValues.profile(MemberState.Profile(tier: profile.tier, locale: profile.locale, zone: zone))
            if profiles.count < Self.cacheCapacity { profiles[profile] = shared }
            member.setSharedProfile(shared)
        }

        /// The shared box for an occurrence log entry's plan id and counted flag.
        mutating func planMark(planID: String, counted: Bool) -> SharedValue<OccurrenceLog.PlanMark> {
            let mark = OccurrenceLog.PlanMark(planID: planID, counted: counted)
            if let shared = planMarks[mark] { return shared }
            let shared = SharedValues.planMark(mark)
            if planMarks.count < Self.cacheCapacity { planMarks[mark] = shared }
            return shared
        }
    }
}

extension MemberState {
    /// Sets tier, locale and zone at once to an interned box (nil when all three are nil).
    mutating func setSharedProfile(_ shared: SharedValue<Profile>?) {
        uniqueStorage().profile = shared
    }
}
