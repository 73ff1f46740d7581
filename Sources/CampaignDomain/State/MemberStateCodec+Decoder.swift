extension MemberStateCodec {
    /// A member read from the changelog, with the schedule fingerprint its `nextDue` was stored under.
    public struct Decoded: Sendable {
        public var member: MemberState
        /// Nil when the record has none (written without one, or by a version before fingerprints).
        public var schedule: ScheduleFingerprint?
    }

    /// Decodes changelog values one after another, sharing what members repeat across records.
    ///
    /// Members share a handful of tier, locale, zone and tag combinations and a few dozen plan ids. Looking each one up
    /// by its bytes once per decoder, instead of making strings and interning every field of every record under a
    /// process-wide lock, is most of what makes a restore fast. A decoder holds no member between calls.
    public struct Decoder: Sendable {
        /// Entries each cache keeps at most, so unusual input cannot grow a decoder without bound (past the cap, values
        /// are interned through the shared tables, which is just as correct, only slower).
        static let cacheCapacity = 4096

        /// A plan id met in an occurrence log, found again by its UTF-8 bytes, with the shared occurrence boxes met
        /// for it (names many members have, such as years), found again by their bytes too.
        struct KnownPlan: Sendable {
            let utf8: [UInt8]
            let id: String
            var sharedNames: [(utf8: [UInt8], key: SharedValue<OccurrenceLog.Key>)] = []
        }

        /// Shared names kept per plan at most; past that, names are interned through the shared table each time.
        static let namesPerPlan = 64

        /// The fields' names by tag, read once here rather than through the lazily initialised global per field.
        private let names = MemberStateCodec.namesByTag
        private var profiles = ProfileCache(capacity: cacheCapacity)
        private var plans: [KnownPlan] = []
        /// The current record's plan table, as indices into `plans` (kept between records for its buffer).
        private var recordPlans: [Int] = []
        /// The current record's tier, locale, zone identifier and tags (in `MemberState.packTags`'s form), as it spells
        /// them (kept between records for its buffer).
        private var profile = ProfileCache.Key()
        /// Each tag's length, for tags that do not pack (kept between records for its buffer).
        private var tagLengths: [Int] = []
        /// Tags that do not pack (one holds the separator), set after the profile.
        private var unpackableTags: [String]?
        private var schedule: ScheduleFingerprint?

        public init() {}

        /// Decodes one changelog value; throws (never traps) on anything this version did not write.
        public mutating func decode(_ bytes: [UInt8]) throws(MemberStateDecodingError) -> Decoded {
            guard let format = bytes.first else { throw MemberStateDecodingError(.empty) }
            guard format == MemberStateCodec.formatVersion else { throw MemberStateDecodingError(.unsupportedFormat(format)) }
            var member = MemberState(id: "", horizon: Instant(epochMillis: 0))
            profile.clear()
            unpackableTags = nil
            schedule = nil
            try ByteReader.withReader(over: bytes, from: 1, field: "record") { reader throws(MemberStateDecodingError) in
                try decodeFields(&reader, into: &member)
            }
            try setProfile(of: &member)
            if let unpackableTags { member.tags = unpackableTags }
            return Decoded(member: member, schedule: schedule)
        }

        /// Reads every field of a record into `member`, `profile` and `schedule`.
        private mutating func decodeFields(_ reader: inout ByteReader, into member: inout MemberState) throws(MemberStateDecodingError) {
            // Known tags are below 64 (checked when the table is built), so the tags seen fit in one word.
            var seen: UInt64 = 0
            let count = try reader.count()
            for _ in 0..<count {
                let tag = try reader.varint()
                let length = try reader.count()
                let payload = try reader.take(length)
                guard tag < 64, let name = names[Int(tag)] else { continue }  // a newer version's: skipped
                guard seen & (1 << tag) == 0 else {
                    throw MemberStateDecodingError(.invalidValue("repeated"), field: name.description)
                }
                seen |= 1 << tag
                var fieldReader = ByteReader(payload, field: name)
                try decodeField(tag, &fieldReader, into: &member)
                guard fieldReader.isAtEnd else { throw fieldReader.invalid("\(fieldReader.remaining) unexpected trailing bytes") }
            }
            guard reader.isAtEnd else { throw reader.invalid("\(reader.remaining) bytes after the last field") }
            if MemberStateCodec.requiredTags & ~seen != 0,
                let missing = MemberStateCodec.fields.first(where: { $0.isRequired && seen & (1 << $0.tag) == 0 })
            {
                throw MemberStateDecodingError(.missingField, field: missing.name.description)
            }
        }

        /// Reads the payload of field `tag` (one `MemberStateCodec.fields` knows) into `member`, `profile` or
        /// `schedule`.
        ///
        /// One case per field, in tag order. A switch rather than a closure per field beside its encoder: calls
        /// through closures kept in a table cost a retain and a release of each closure for every field of every record.
        private mutating func decodeField(_ tag: UInt64, _ r: inout ByteReader, into member: inout MemberState) throws(MemberStateDecodingError) {
            switch tag {
            case 1:  // id
                member.id = try r.string()
            case 2:  // horizon
                member.horizon = try r.instant()
            case 3:  // enrolledAt
                member.enrolledAt = try r.instant()
            case 4:  // tier: looked up with the rest of the profile
                profile.append(4, try r.utf8())
            case 5:  // birthday
                let year = try r.signed()
                let hasYear = try r.bool()
                let month = try r.varint()
                let day = try r.varint()
                guard (1...12).contains(month), (1...31).contains(day), (-9999...9999).contains(year) else {
                    throw r.invalid("month \(month), day \(day), year \(year)")
                }
                member.birthday = Birthday(year: hasYear ? Int(year) : nil, month: Int(month), day: Int(day))
            case 6:  // timeZone: checked against the zone database when the profile is first met
                profile.append(6, try r.utf8())
            case 7:  // locale
                profile.append(7, try r.utf8())
            case 8:  // homeStore
                member.homeStore = try r.string()
            case 9:  // tags
                try readTags(&r)
            case 10:  // consents: two bit sets in `Channel.allCases` order, channels answered and channels granted
                let known = try r.byte()
                let granted = try r.byte()
                guard known >> Channel.allCases.count == 0, granted & ~known == 0 else {
                    throw r.invalid("bit sets \(known), \(granted)")
                }
                for (index, channel) in Channel.allCases.enumerated() where known & (1 << index) != 0 {
                    member.consents[channel] = granted & (1 << index) != 0
                }
            case 11:  // lastActivity
                member.lastActivity = try r.instant()
            case 12:  // activityStreakDays
                member.activityStreakDays = try r.int()
            case 13:  // lastActiveDate
                let days = try r.signed()
                guard (-3_000_000...3_000_000).contains(days) else { throw r.invalid("day \(days)") }
                member.lastActiveDate = LocalDate(daysSinceEpoch: days)
            case 14:  // orderCount
                member.orderCount = try r.int()
            case 15:  // lifetimeSpend
                member.lifetimeSpend = DecimalAmount(micros: try r.signed())
            case 16:  // points, in ledger order
                let count = try r.count()
                var points = PointsLedger()
                for _ in 0..<count {
                    let expiresAt = try r.optionalInstant()
                    let amount = try r.signed()
                    guard amount > 0 else { throw r.invalid("bucket amount \(amount)") }
                    points.add(amount, expiresAt: expiresAt)
                }
                member.points = points
            case 17:  // couponsRedeemed
                member.couponsRedeemed = try r.int()
            case 18:  // recentEvents: the ring's slots, then the next slot to overwrite
                let count = try r.count()
                guard count <= DuplicateMemory.capacity else { throw r.invalid("\(count) hashes") }
                var memory = DuplicateMemory()
                for _ in 0..<count { memory.insert(try r.fixed64()) }
                let next = try r.varint()
                guard next < UInt64(DuplicateMemory.capacity), next == 0 || count == DuplicateMemory.capacity else {
                    throw r.invalid("next slot \(next) of \(count)")
                }
                memory.next = Int(next)
                member.recentEvents = memory
            case 19:  // occurrences: a table of plan ids, then the entries
                try readPlanTable(&r)
                let count = try r.count()
                var log = OccurrenceLog()
                for _ in 0..<count {
                    let planIndex = try r.varint()
                    guard planIndex < UInt64(recordPlans.count) else { throw r.invalid("plan index \(planIndex) of \(recordPlans.count)") }
                    let name = try r.take(try r.count())
                    let firedAt = try r.instant()
                    let counted = try r.bool()
                    log.append(try occurrenceKey(plan: Int(planIndex), counted: counted, name: name, reader: r), firedAt: firedAt)
                }
                member.occurrences = log
            case 20:  // notificationsSent
                let count = try r.count()
                for _ in 0..<count {
                    let at = try r.instant()
                    let name = try r.string()
                    guard let channel = Channel(rawValue: name) else { throw r.invalid("channel \(name)") }
                    member.notificationsSent.append(SentNotification(at: at, channel: channel))
                }
            case 21:  // nextDue: trusted by a restore only under the same schedule fingerprint (field 25)
                member.nextDue = try r.instant()
            case 22:  // periodSpend
                var spend = PeriodSpend()
                spend.year = try r.int()
                spend.yearSpend = DecimalAmount(micros: try r.signed())
                spend.month = try r.int()
                spend.monthSpend = DecimalAmount(micros: try r.signed())
                member.periodSpend = spend
            case 23:  // heldNotifications, in release order; `params` as JSON text
                let count = try r.count()
                for _ in 0..<count {
                    let jobIDText = try r.string()
                    guard let jobID = JobID(text: jobIDText) else { throw r.invalid("job id \(jobIDText)") }
                    let planID = try r.string()
                    let planVersion = try r.int()
                    let trigger = TriggerRef(type: try r.string(), occurrence: try r.string(), firedAt: try r.instant())
                    let channelName = try r.string()
                    guard let channel = Channel(rawValue: channelName) else { throw r.invalid("channel \(channelName)") }
                    let template = try r.string()
                    let locale = try r.optionalString()
                    let paramsText = try r.string()
                    guard let params = (try? JSONParser.parse(paramsText))?.objectValue else { throw r.invalid("params are not a JSON object") }
                    let releaseAt = try r.instant()
                    let traceparent = try r.optionalString()
                    member.heldNotifications.append(
                        HeldNotification(
                            jobID: jobID, planID: planID, planVersion: planVersion, trigger: trigger, channel: channel,
                            template: template, locale: locale, params: params, releaseAt: releaseAt, traceparent: traceparent))
                }
            case 24:  // recurringLast
                let count = try r.count()
                for _ in 0..<count {
                    let planID = try r.string()
                    let days = try r.signed()
                    guard (-3_000_000...3_000_000).contains(days) else { throw r.invalid("day \(days)") }
                    member.recurringLast[planID] = LocalDate(daysSinceEpoch: days)
                }
            case 25:  // schedule: the fingerprint of the plans `nextDue` was computed under
                schedule = ScheduleFingerprint(value: try r.fixed64())
            default:
                preconditionFailure("changelog field \(tag) is in MemberStateCodec.fields but has no decoder")
            }
        }

        /// Gives the member the shared box for the tier, locale, zone and tags read, made once per combination.
        private mutating func setProfile(of member: inout MemberState) throws(MemberStateDecodingError) {
            guard !profile.isEmpty else { return }
            if let shared = profiles[profile] {
                member.setSharedProfile(shared)
                return
            }
            // The parts were checked to be UTF-8 as they were read.
            let key = profile
            let text = { (tag: UInt8) in key.part(tag).map { String(decoding: $0, as: UTF8.self) } }
            var zone: SharedValue<Zone>?
            if let identifier = text(6) {
                guard let known = Zone(identifier: identifier) else {
                    throw MemberStateDecodingError(.invalidValue("unknown time zone \(identifier)"), field: "timeZone")
                }
                zone = SharedValues.zone(known)
            }
            let shared = SharedValues.profile(
                MemberState.Profile(
                    tier: text(4), locale: text(7), zone: zone, tags: text(9) ?? ""))
            profiles.insert(shared, for: profile)
            member.setSharedProfile(shared)
        }

        /// Reads an occurrence log's plan table: each id is looked up by its bytes among the plans met before, so a
        /// restore makes one string per plan, not per record.
        private mutating func readPlanTable(_ reader: inout ByteReader) throws(MemberStateDecodingError) {
            recordPlans.removeAll(keepingCapacity: true)
            for _ in 0..<(try reader.count()) {
                let raw = try reader.take(try reader.count())
                if let known = plans.firstIndex(where: { $0.utf8.withUnsafeBytes { ByteWord.same($0, raw) } }) {
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

        /// The occurrence log box for plan `index` of the current record's plan table, `counted`, and the name in
        /// `raw`: a shared name's box is found by its bytes without hashing or the interning lock after its first time.
        private mutating func occurrenceKey(
            plan index: Int, counted: Bool, name raw: UnsafeRawBufferPointer, reader: ByteReader
        ) throws(MemberStateDecodingError) -> SharedValue<OccurrenceLog.Key> {
            let known = recordPlans[index]
            if let found = plans[known].sharedNames.first(where: {
                $0.key.value.counted == counted && $0.utf8.withUnsafeBytes { ByteWord.same($0, raw) }
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
        private mutating func readTags(_ reader: inout ByteReader) throws(MemberStateDecodingError) {
            tagLengths.removeAll(keepingCapacity: true)
            var separated = false
            let start = profile.begin(9)
            for _ in 0..<(try reader.count()) {
                let raw = try reader.utf8()
                for byte in raw where byte == MemberState.tagSeparator { separated = true }
                profile.appendToPart(MemberState.tagSeparator)
                profile.appendToPart(raw)
                tagLengths.append(raw.count)
            }
            profile.end(start, droppingIfEmpty: true)
            guard separated, let packed = profile.part(9) else { return }
            // A tag holding the separator cannot be packed: the tags are kept as a list (rare).
            var tags: [String] = []
            var tagStart = packed.startIndex
            for length in tagLengths {
                tags.append(String(decoding: packed[(tagStart + 1)..<(tagStart + 1 + length)], as: UTF8.self))
                tagStart += 1 + length
            }
            profile.remove(start)
            unpackableTags = tags
        }
    }
}

extension MemberState {
    /// Sets tier, locale, zone and tags at once to an interned box (nil when all are at their defaults).
    mutating func setSharedProfile(_ shared: SharedValue<Profile>?) {
        uniqueStorage().profile = shared
    }
}
