/// The binary encoding of `MemberState` in the member-state changelog topic.
///
/// Format 1 is a format byte (`0x01`), the number of fields that follow (varint, so a record cut short at a field
/// boundary is still detected), then each field: tag (varint), payload length (varint), payload.
/// A field holding its default value is left out, which keeps typical members to a few dozen bytes. Decoders skip
/// tags they do not know, so adding a field needs no new format byte: give it the next free tag in `fields` below,
/// add its case to `encodeField` and to `Decoder.decodeField` (one case per tag, in the same order), and extend the
/// fully populated round-trip test. Change the format byte only when an existing field's payload changes meaning.
public enum MemberStateCodec {
    /// The format byte this version writes and the only one it reads.
    public static let formatVersion: UInt8 = 1

    /// Encodes a member for the changelog, with the fingerprint of the plans its `nextDue` was computed under.
    ///
    /// Pass the engine's `scheduleFingerprint` whenever the member's `nextDue` is current for that engine (the worker's
    /// stores keep it so); a restore under the same fingerprint then takes the due time as it is. Without one, a
    /// restore computes the due time again.
    public static func encode(_ member: MemberState, schedule: ScheduleFingerprint? = nil) -> [UInt8] {
        // Written in one buffer: the field count and each payload's length go into a byte reserved before it, which
        // is the whole varint below 128 (a longer payload moves up to make room).
        var out = ByteWriter()
        out.bytes.reserveCapacity(256)
        out.bytes.append(formatVersion)
        out.bytes.append(0)  // the field count: `fields` has fewer than 128 (checked where the table is built)
        var count: UInt8 = 0
        for tag in tags {
            let start = out.bytes.count
            out.varint(tag)
            let lengthAt = out.bytes.count
            out.bytes.append(0)
            guard encodeField(tag, of: member, schedule: schedule, into: &out) else {
                out.bytes.removeLast(out.bytes.count - start)
                continue
            }
            let length = out.bytes.count - lengthAt - 1
            if length < 0x80 {
                out.bytes[lengthAt] = UInt8(length)
            } else {
                var prefix = ByteWriter()
                prefix.varint(UInt64(length))
                out.bytes.replaceSubrange(lengthAt...lengthAt, with: prefix.bytes)
            }
            count += 1
        }
        out.bytes[1] = count
        return out.bytes
    }

    /// Decodes a changelog value; throws (never traps) on anything this version did not write.
    ///
    /// A restore decodes many values in a row: `Decoder` does that faster, sharing lookups between them.
    public static func decode(_ bytes: [UInt8]) throws(MemberStateDecodingError) -> MemberState {
        var decoder = Decoder()
        return try decoder.decode(bytes).member
    }

    /// The name of every field of the format, in tag order.
    public static var fieldNames: [String] { fields.map(\.name.description) }

    /// The fields `encode` writes for `member` (those not at their default value), in tag order.
    public static func presentFields(in member: MemberState, schedule: ScheduleFingerprint? = nil) -> [String] {
        var scratch = ByteWriter()
        return fields.filter { encodeField($0.tag, of: member, schedule: schedule, into: &scratch) }.map(\.name.description)
    }

    /// One field of the format: its tag and name (`encodeField` writes it, `Decoder.decodeField` reads it).
    struct Field: Sendable {
        let tag: UInt64
        let name: StaticString
        /// Whether a record without this field is invalid.
        let isRequired: Bool

        init(_ tag: UInt64, _ name: StaticString, required: Bool = false) {
            self.tag = tag
            self.name = name
            self.isRequired = required
        }
    }

    /// Every field, one entry each. Tags are never reused: a removed field's tag stays retired.
    static let fields: [Field] = [
        Field(1, "id", required: true),
        Field(2, "horizon", required: true),
        Field(3, "enrolledAt"),
        Field(4, "tier"),
        Field(5, "birthday"),
        Field(6, "timeZone"),
        Field(7, "locale"),
        Field(8, "homeStore"),
        Field(9, "tags"),
        Field(10, "consents"),
        Field(11, "lastActivity"),
        Field(12, "activityStreakDays"),
        Field(13, "lastActiveDate"),
        Field(14, "orderCount"),
        Field(15, "lifetimeSpend"),
        Field(16, "points"),
        Field(17, "couponsRedeemed"),
        Field(18, "recentEvents"),
        Field(19, "occurrences"),
        Field(20, "notificationsSent"),
        Field(21, "nextDue"),
        Field(22, "periodSpend"),
        Field(23, "heldNotifications"),
        Field(24, "recurringLast"),
        Field(25, "schedule"),
    ]

    /// Writes field `tag`'s payload for `member` (with `schedule`, the fingerprint its `nextDue` was computed under);
    /// returns false, writing nothing, when the member has the field's default value.
    ///
    /// One case per tag, in tag order: a closure per field was called through a thunk, retaining and releasing its
    /// context every time (about 10,800 instructions a member), as the decoder's closures once were.
    static func encodeField(_ tag: UInt64, of m: MemberState, schedule: ScheduleFingerprint?, into w: inout ByteWriter) -> Bool {
        switch tag {
        case 1:  // id
            w.string(m.id)
            return true
        case 2:  // horizon
            w.instant(m.horizon)
            return true
        case 3:  // enrolledAt
            return w.ifPresent(m.enrolledAt) { $0.instant($1) }
        case 4:  // tier
            return w.ifPresent(m.tier) { $0.string($1) }
        case 5:  // birthday
            return w.ifPresent(m.birthday) { w, birthday in
                w.signed(Int64(birthday.year ?? 0))
                w.bytes.append(birthday.year == nil ? 0 : 1)
                w.varint(UInt64(birthday.month))
                w.varint(UInt64(birthday.day))
            }
        case 6:  // timeZone
            return w.ifPresent(m.timeZone) { $0.string($1.identifier) }
        case 7:  // locale
            return w.ifPresent(m.locale) { $0.string($1) }
        case 8:  // homeStore
            return w.ifPresent(m.homeStore) { $0.string($1) }
        case 9:  // tags
            // Usually straight from the packed form, without a string per tag.
            if let packed = m.packedTags {
                guard !packed.isEmpty else { return false }
                var packed = packed
                packed.withUTF8 { utf8 in
                    let separator = MemberState.tagSeparator
                    w.varint(UInt64(utf8.reduce(0) { $0 + ($1 == separator ? 1 : 0) }))
                    // Found in place: splitting made an array of slices for every record.
                    MemberState.forEachPackedTag(in: utf8) { tag in
                        w.varint(UInt64(tag.count))
                        w.bytes.append(contentsOf: tag)
                        return true
                    }
                }
                return true
            }
            let tags = m.tags
            w.varint(UInt64(tags.count))
            for tag in tags { w.string(tag) }
            return true
        case 10:  // consents
            // Two bit sets in `Channel.allCases` order: channels answered, and channels granted.
            var known: UInt8 = 0
            var granted: UInt8 = 0
            for (index, channel) in Channel.allCases.enumerated() {
                guard let answer = m.consents[channel] else { continue }
                known |= 1 << index
                if answer { granted |= 1 << index }
            }
            guard known != 0 else { return false }
            w.bytes.append(known)
            w.bytes.append(granted)
            return true
        case 11:  // lastActivity
            return w.ifPresent(m.lastActivity) { $0.instant($1) }
        case 12:  // activityStreakDays
            guard m.activityStreakDays != 0 else { return false }
            w.signed(Int64(m.activityStreakDays))
            return true
        case 13:  // lastActiveDate
            return w.ifPresent(m.lastActiveDate) { $0.signed($1.daysSinceEpoch) }
        case 14:  // orderCount
            guard m.orderCount != 0 else { return false }
            w.signed(Int64(m.orderCount))
            return true
        case 15:  // lifetimeSpend
            guard m.lifetimeSpend != .zero else { return false }
            w.signed(m.lifetimeSpend.micros)
            return true
        case 16:  // points
            // Buckets in ledger order (soonest-expiring first); an absent expiry is "never".
            // Bucket by bucket: `buckets` builds an array each time it is read.
            let points = m.points
            guard points.bucketCount > 0 else { return false }
            w.varint(UInt64(points.bucketCount))
            for index in 0..<points.bucketCount {
                let bucket = points.bucket(at: index)
                w.optionalInstant(bucket.expiresAt)
                w.signed(bucket.amount)
            }
            return true
        case 17:  // couponsRedeemed
            guard m.couponsRedeemed != 0 else { return false }
            w.signed(Int64(m.couponsRedeemed))
            return true
        case 18:  // recentEvents
            // The ring as it is (slots, then the next slot to overwrite), so eviction order survives a restore.
            let memory = m.recentEvents
            guard memory.count > 0 else { return false }
            w.varint(UInt64(memory.count))
            memory.forEachHash { w.fixed64($0) }
            w.varint(UInt64(memory.next))
            return true
        case 19:  // occurrences
            // Plan ids repeat across entries, so each entry refers to a table of distinct plan ids.
            let log = m.occurrences
            guard !log.isEmpty else { return false }
            // Read entry by entry from the log's own storage: building `entries` made a string pair per entry.
            // Per entry, its plan's number in the table; per plan, the first entry that has it.
            return withUnsafeTemporaryAllocation(of: Int.self, capacity: 2 * log.count) { scratch in
                let planOfEntry = UnsafeMutableBufferPointer(rebasing: scratch[..<log.count])
                let firstEntryOfPlan = UnsafeMutableBufferPointer(rebasing: scratch[log.count...])
                var plans = 0
                // A member has entries of a few plans: a linear search beats hashing every plan id into a dictionary.
                for index in 0..<log.count {
                    let planID = log[index].planID
                    if let known = (0..<plans).first(where: { log[firstEntryOfPlan[$0]].planID.isSameText(as: planID) }) {
                        planOfEntry[index] = known
                    } else {
                        planOfEntry[index] = plans
                        firstEntryOfPlan[plans] = index
                        plans += 1
                    }
                }
                w.varint(UInt64(plans))
                for plan in 0..<plans { w.string(log[firstEntryOfPlan[plan]].planID) }
                w.varint(UInt64(log.count))
                for index in 0..<log.count {
                    let entry = log[index]
                    w.varint(UInt64(planOfEntry[index]))
                    w.string(entry.key.value.occurrence)
                    w.instant(Instant(epochMillis: entry.firedAt))
                    w.bytes.append(entry.key.value.counted ? 1 : 0)
                }
                return true
            }
        case 20:  // notificationsSent
            guard !m.notificationsSent.isEmpty else { return false }
            w.varint(UInt64(m.notificationsSent.count))
            for sent in m.notificationsSent {
                w.instant(sent.at)
                w.string(sent.channel.rawValue)
            }
            return true
        case 21:  // nextDue
            return w.ifPresent(m.nextDue) { $0.instant($1) }
        case 22:  // periodSpend
            guard m.periodSpend != PeriodSpend() else { return false }
            w.signed(Int64(m.periodSpend.year))
            w.signed(m.periodSpend.yearSpend.micros)
            w.signed(Int64(m.periodSpend.month))
            w.signed(m.periodSpend.monthSpend.micros)
            return true
        case 23:  // heldNotifications
            // In release order; `params` as JSON text.
            guard !m.heldNotifications.isEmpty else { return false }
            w.varint(UInt64(m.heldNotifications.count))
            for held in m.heldNotifications {
                w.string(held.jobID.description)
                w.string(held.planID)
                w.signed(Int64(held.planVersion))
                w.string(held.trigger.type)
                w.string(held.trigger.occurrence)
                w.instant(held.trigger.firedAt)
                w.string(held.channel.rawValue)
                w.string(held.template)
                w.optionalString(held.locale)
                var json = JSONWriter()
                json.value(.object(held.params))
                w.string(json.string)
                w.instant(held.releaseAt)
                w.optionalString(held.traceparent)
            }
            return true
        case 24:  // recurringLast
            // Sorted by plan id, so equal states encode to equal bytes.
            guard !m.recurringLast.isEmpty else { return false }
            w.varint(UInt64(m.recurringLast.count))
            for (planID, date) in m.recurringLast.sorted(by: { $0.key < $1.key }) {
                w.string(planID)
                w.signed(date.daysSinceEpoch)
            }
            return true
        case 25:  // schedule
            // The fingerprint of the plans `nextDue` was computed under (see `ScheduleFingerprint`).
            guard let schedule else { return false }
            w.fixed64(schedule.value)
            return true
        default:
            preconditionFailure("field \(tag) has a name in `fields` but no case here")
        }
    }

    /// Each field's tag, in tag order (without the rest of a `Field`, which each step would copy).
    static let tags: [UInt64] = fields.map(\.tag)

    /// Each field's name indexed by tag (nil for tags this version does not know), for the decoder.
    static let namesByTag: [StaticString?] = {
        var table = [StaticString?](repeating: nil, count: 64)
        for field in fields {
            precondition(field.tag < 64 && table[Int(field.tag)] == nil, "changelog field tags are unique and below 64")
            precondition(fields.count < 0x80, "encode writes the field count as one byte")
            table[Int(field.tag)] = field.name
        }
        return table
    }()

    /// The tags of the required fields, as bits.
    static let requiredTags: UInt64 = fields.reduce(0) { $1.isRequired ? $0 | 1 << $1.tag : $0 }
}

/// Why a changelog value could not be decoded into member state.
public struct MemberStateDecodingError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Reason: Sendable, Equatable {
        /// A zero-length value (a tombstone is a null value, not an empty one).
        case empty
        /// The leading format byte is one this version does not know.
        case unsupportedFormat(UInt8)
        /// The value ends in the middle of a field.
        case truncated
        /// A varint runs past 64 bits.
        case malformedVarint
        /// A string is not valid UTF-8.
        case invalidUTF8
        /// A well-formed value that no member state can have.
        case invalidValue(String)
        /// A required field is absent.
        case missingField
    }

    public var reason: Reason
    /// The field being read, when known.
    public var field: String?

    public init(_ reason: Reason, field: String? = nil) {
        self.reason = reason
        self.field = field
    }

    public var description: String {
        let what: String
        switch reason {
        case .empty: what = "the value is empty"
        case .unsupportedFormat(let format):
            what = "format byte \(format) is not supported (this version reads format \(MemberStateCodec.formatVersion)); roll the newer worker version out again, or roll back and let it rebuild the state"
        case .truncated: what = "the value ends in the middle of a field"
        case .malformedVarint: what = "a number is longer than 64 bits"
        case .invalidUTF8: what = "a string is not valid UTF-8"
        case .invalidValue(let detail): what = "invalid value (\(detail))"
        case .missingField: what = "a required field is missing"
        }
        let location = field.map { " in field \($0)" } ?? ""
        return "cannot decode member state\(location): \(what); only campaign-worker may write to the member-state changelog topic"
    }
}
