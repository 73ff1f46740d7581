@testable import CampaignDomain
import TestSupport
import Testing

@Suite struct MemberStateCodecTests {
    @Test func fullyPopulatedMemberRoundTrips() throws {
        let member = MemberStateFactory.fullyPopulated()
        let schedule = ScheduleFingerprint(value: 0xFEED_0000_0000_BEEF)
        let bytes = MemberStateCodec.encode(member, schedule: schedule)
        #expect(bytes.first == MemberStateCodec.formatVersion)
        #expect(try MemberStateCodec.decode(bytes) == member)
        var decoder = MemberStateCodec.Decoder()
        let decoded = try decoder.decode(bytes)
        #expect(decoded.member == member)
        #expect(decoded.schedule == schedule)
        #expect(try decoder.decode(MemberStateCodec.encode(member)).schedule == nil)
    }

    @Test func fullyPopulatedFixtureExercisesEveryField() {
        // A field the fixture leaves at its default would round-trip trivially; keep the fixture complete.
        let present = MemberStateCodec.presentFields(in: MemberStateFactory.fullyPopulated(), schedule: ScheduleFingerprint(value: 1))
        #expect(present == MemberStateCodec.fieldNames)
    }

    @Test func everyStoredPropertyOfMemberStateHasACodecField() {
        let properties = Mirror(reflecting: MemberState(id: "", horizon: Instant(epochMillis: 0))).children.compactMap(\.label)
        // `schedule` belongs to the record (the plans its nextDue was computed under), not to the member.
        #expect(
            Set(properties + ["schedule"]) == Set(MemberStateCodec.fieldNames),
            "give each new MemberState property a field in MemberStateCodec (next free tag) and set it in MemberStateFactory.fullyPopulated")
    }

    @Test func minimalMemberIsSmallAndRoundTrips() throws {
        let member = MemberState(id: "m-1", horizon: Instant.at("2026-01-01T00:00:00Z"))
        let bytes = MemberStateCodec.encode(member)
        #expect(MemberStateCodec.presentFields(in: member) == ["id", "horizon"])
        #expect(bytes.count <= 16)  // format, count, id "m-1" and a 2026 instant as zigzag varints
        #expect(try MemberStateCodec.decode(bytes) == member)
    }

    @Test(arguments: [
        Instant(epochMillis: 0), Instant(epochMillis: -1), Instant.at("9999-12-31T23:59:59.999Z"), Instant.at("0001-01-01T00:00:00Z"),
    ])
    func extremeInstantsRoundTrip(_ instant: Instant) throws {
        var member = MemberState(id: "", horizon: instant)
        member.enrolledAt = instant
        member.points = PointsLedger(buckets: [PointsBucket(expiresAt: instant, amount: Int64.max)])
        member.lifetimeSpend = DecimalAmount(micros: Int64.min)
        member.orderCount = Int.max
        member.activityStreakDays = -1
        #expect(try MemberStateCodec.decode(MemberStateCodec.encode(member)) == member)
    }

    @Test func partialDuplicateRingAndYearlessBirthdayRoundTrip() throws {
        var member = MemberState(id: "m-2", horizon: Instant.at("2026-01-01T00:00:00Z"))
        member.recentEvents.insert(42)
        member.recentEvents.insert(7)
        member.birthday = Birthday("--02-29")
        member.consents = Consents([.inbox: false])
        member.tags = [""]
        let decoded = try MemberStateCodec.decode(MemberStateCodec.encode(member))
        #expect(decoded == member)
        #expect(decoded.recentEvents.contains(42) && decoded.recentEvents.contains(7))
        #expect(decoded.birthday?.year == nil)
        #expect(decoded.consents[.inbox] == false && decoded.consents[.sms] == nil)
    }

    @Test func wrappedDuplicateRingKeepsEvictingTheOldestAfterDecoding() throws {
        var member = MemberStateFactory.fullyPopulated()
        var decoded = try MemberStateCodec.decode(MemberStateCodec.encode(member))
        for hash: UInt64 in [1001, 1002] {
            member.recentEvents.insert(hash)
            decoded.recentEvents.insert(hash)
        }
        #expect(decoded.recentEvents == member.recentEvents)
    }

    @Test func unknownFieldsAreSkipped() throws {
        let member = MemberStateFactory.fullyPopulated()
        // A newer version's field 99 with a 3-byte payload, appended (and counted: byte 1 is the field count).
        var bytes = MemberStateCodec.encode(member) + [99, 3, 0xFF, 0xFF, 0xFF]
        bytes[1] += 1
        #expect(try MemberStateCodec.decode(bytes) == member)
    }

    @Test func emptyAndUnknownFormatsAreSpecificErrors() {
        #expect(throws: MemberStateDecodingError(.empty)) { try MemberStateCodec.decode([]) }
        #expect(throws: MemberStateDecodingError(.unsupportedFormat(2))) { try MemberStateCodec.decode([2, 1, 0]) }
        #expect(throws: MemberStateDecodingError(.unsupportedFormat(0x7B))) { try MemberStateCodec.decode(Array(#"{"id":"m-1"}"#.utf8)) }
    }

    @Test func missingRequiredFieldIsAnError() {
        // One field, the id: tag 1, length 2, the string "m".
        #expect(throws: MemberStateDecodingError(.missingField, field: "horizon")) { try MemberStateCodec.decode([1, 1, 1, 2, 1, 0x6D]) }
    }

    @Test func everyTruncationIsAnErrorNotACrash() {
        let bytes = MemberStateCodec.encode(MemberStateFactory.fullyPopulated())
        for length in 1..<bytes.count {
            #expect(throws: MemberStateDecodingError.self, "truncated to \(length) bytes") {
                try MemberStateCodec.decode(Array(bytes.prefix(length)))
            }
        }
    }

    @Test func specificErrorsForMalformedFields() {
        // A varint longer than 64 bits in the tag.
        #expect(throws: MemberStateDecodingError(.malformedVarint, field: "record")) {
            try MemberStateCodec.decode([1] + Array(repeating: 0xFF, count: 11))
        }
        // The id is not UTF-8.
        #expect(throws: MemberStateDecodingError(.invalidUTF8, field: "id")) { try MemberStateCodec.decode([1, 1, 1, 2, 1, 0xC3]) }
        // A count far beyond the bytes left never allocates it.
        #expect(throws: MemberStateDecodingError(.truncated, field: "tags")) {
            try MemberStateCodec.decode([1, 1, 9, 5, 0xFF, 0xFF, 0xFF, 0xFF, 0x0F])
        }
        // A repeated field.
        #expect(throws: MemberStateDecodingError(.invalidValue("repeated"), field: "id")) {
            try MemberStateCodec.decode([1, 2, 1, 2, 1, 0x6D, 1, 2, 1, 0x6D])
        }
    }

    @Test func bytesAfterTheLastFieldAreAnError() {
        let bytes = MemberStateCodec.encode(MemberState(id: "m", horizon: Instant(epochMillis: 0))) + [0]
        #expect(throws: MemberStateDecodingError(.invalidValue("1 bytes after the last field"), field: "record")) {
            try MemberStateCodec.decode(bytes)
        }
    }

    @Test func randomBytesNeverCrashTheDecoder() {
        var generator = SplitMix64(seed: 4)
        let valid = MemberStateCodec.encode(MemberStateFactory.fullyPopulated())
        for _ in 0..<2_000 {
            var bytes = valid
            // Flip a few bytes of a valid record, and sometimes start from pure noise.
            if generator.next() % 4 == 0 {
                bytes = (0..<Int(generator.next() % 64)).map { _ in UInt8(truncatingIfNeeded: generator.next()) }
                bytes.insert(MemberStateCodec.formatVersion, at: 0)
            } else {
                for _ in 0..<3 {
                    let index = Int(generator.next() % UInt64(bytes.count - 1)) + 1
                    bytes[index] = UInt8(truncatingIfNeeded: generator.next())
                }
            }
            // Either outcome is fine; what matters is that decoding returns.
            _ = try? MemberStateCodec.decode(bytes)
        }
    }

    /// A restore decodes every record with one decoder, which shares profiles, zones and plan ids between them.
    @Test func oneDecoderDecodesManyMembersEachAsWritten() throws {
        var members: [MemberState] = []
        for index in 0..<6 {
            var member = MemberStateFactory.fullyPopulated()
            member.id = "m-\(index)"
            member.tier = index % 2 == 0 ? "gold" : nil
            member.locale = index % 3 == 0 ? nil : "zh-CN"
            member.timeZoneID = ["Europe/Paris", "Asia/Shanghai", nil][index % 3]
            member.occurrences.record(HandledOccurrence(planID: "plan-\(index % 2)", occurrence: "2026", firedAt: Instant(epochMillis: 5), counted: index % 4 == 0))
            // Tags that pack, that hold non-ASCII text, that hold the packing separator (kept as a list), and none.
            member.tags = [["vip", "会员"], ["a\u{1F}b", "c"], [], [""], ["x", "", "y"], ["\u{1F}"]][index]
            members.append(member)
        }
        var decoder = MemberStateCodec.Decoder()
        // Twice over, so the second pass decodes every combination from the decoder's caches.
        for member in members + members {
            var decoded = try decoder.decode(MemberStateCodec.encode(member)).member
            #expect(decoded == member)
            #expect(decoded.timeZoneID == member.timeZoneID && decoded.tier == member.tier && decoded.locale == member.locale)
            #expect(decoded.tags == member.tags)
            #expect(decoded.occurrences.entries == member.occurrences.entries)
            // The decoder keeps no reference: changing the member changes no other copy.
            #expect(isKnownUniquelyReferenced(&decoded.storage))
        }
        // A failed record leaves nothing behind for the next one.
        #expect(throws: MemberStateDecodingError.self) { try decoder.decode([1, 1, 1, 2, 1, 0xC3]) }
        #expect(try decoder.decode(MemberStateCodec.encode(members[1])).member == members[1])
    }

    @Test func invalidUTF8InATagOrAPlanIdIsAnErrorInItsField() {
        let member = MemberState(id: "m", horizon: Instant(epochMillis: 0))
        // Field 9 (tags): one tag of one byte, 0xC3 (a lead byte with nothing after it).
        var tags = MemberStateCodec.encode(member) + [9, 3, 1, 1, 0xC3]
        tags[1] += 1
        #expect(throws: MemberStateDecodingError(.invalidUTF8, field: "tags")) { try MemberStateCodec.decode(tags) }
        // Field 19 (occurrences): a plan table of one id, 0xFF, and no entries.
        var occurrences = MemberStateCodec.encode(member) + [19, 4, 1, 1, 0xFF, 0]
        occurrences[1] += 1
        #expect(throws: MemberStateDecodingError(.invalidUTF8, field: "occurrences")) { try MemberStateCodec.decode(occurrences) }
    }

    @Test func aHeldJobWhoseIdIsNotAJobIdIsAnError() throws {
        var member = MemberStateFactory.fullyPopulated()
        let id = member.heldNotifications[0].jobID.description
        member.heldNotifications.removeLast(member.heldNotifications.count - 1)
        var bytes = MemberStateCodec.encode(member)
        // The id's text, made one character short of a job id (its length byte stays, so the rest reads as before).
        let text = Array(id.utf8)
        let at = try #require((0...(bytes.count - 36)).first { Array(bytes[$0..<($0 + 36)]) == text })
        bytes[at + 8] = UInt8(ascii: "x")
        #expect(throws: MemberStateDecodingError(.invalidValue("job id \(id.prefix(8))x\(id.dropFirst(9))"), field: "heldNotifications")) {
            try MemberStateCodec.decode(bytes)
        }
    }

    @Test func unknownZoneIsAnErrorInTheTimeZoneField() {
        var bytes = MemberStateCodec.encode(MemberState(id: "m", horizon: Instant(epochMillis: 0)))
        // Field 6 (timeZone), 8 bytes: "Mars/Oly" (length-prefixed, so the payload is 9 bytes).
        bytes += [6, 9, 8] + Array("Mars/Oly".utf8)
        bytes[1] += 1
        #expect(throws: MemberStateDecodingError(.invalidValue("unknown time zone Mars/Oly"), field: "timeZone")) {
            try MemberStateCodec.decode(bytes)
        }
    }

    @Test func decodingErrorsTellTheOperatorWhatToDo() {
        let error = MemberStateDecodingError(.unsupportedFormat(2))
        #expect(error.description.contains("format byte 2"))
        #expect(error.description.contains("only campaign-worker may write"))
    }
}
