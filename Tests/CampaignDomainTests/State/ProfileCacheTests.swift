@testable import CampaignDomain
import Testing

@Suite struct ProfileCacheTests {
    private func key(_ parts: [(UInt8, String)]) -> ProfileCache.Key {
        var key = ProfileCache.Key()
        for (tag, text) in parts {
            Array(text.utf8).withUnsafeBytes { key.append(tag, $0) }
        }
        return key
    }

    private func box(_ tier: String) -> SharedValue<MemberState.Profile> { SharedValue(MemberState.Profile(tier: tier)) }

    @Test func keysFindWhatWasKeptForTheSameBytesOnly() {
        var cache = ProfileCache(capacity: 8)
        let gold = box("gold")
        cache.insert(gold, for: key([(4, "gold"), (6, "Asia/Shanghai")]))
        #expect(cache[key([(4, "gold"), (6, "Asia/Shanghai")])] === gold)
        // Another zone, the parts in another order, a part moved between fields, a missing part: misses.
        #expect(cache[key([(4, "gold"), (6, "Europe/Paris")])] == nil)
        #expect(cache[key([(6, "Asia/Shanghai"), (4, "gold")])] == nil)
        #expect(cache[key([(7, "gold"), (6, "Asia/Shanghai")])] == nil)
        #expect(cache[key([(4, "gold")])] == nil)
        #expect(cache[key([(4, "goldAsia/Shanghai")])] == nil)
    }

    @Test func manyKeysStayApartAndTheCapacityHolds() {
        var cache = ProfileCache(capacity: 100)
        var boxes: [SharedValue<MemberState.Profile>] = []
        for index in 0..<150 {
            let shared = box("tier-\(index)")
            boxes.append(shared)
            let key = key([(4, "tier-\(index)"), (9, "\u{1F}vip")])
            if cache[key] == nil { cache.insert(shared, for: key) }
        }
        #expect(cache.count == 100)
        for index in 0..<150 {
            let found = cache[key([(4, "tier-\(index)"), (9, "\u{1F}vip")])]
            #expect(index < 100 ? found === boxes[index] : found == nil, "tier-\(index)")
        }
    }

    @Test func partsReadBackAndOnlyEmptyTagsAreLeftOut() {
        var key = key([(4, "gold"), (7, "zh-CN"), (6, "")])
        #expect(key.part(4).map { Array($0) } == Array("gold".utf8))
        #expect(key.part(7).map { Array($0) } == Array("zh-CN".utf8))
        // An empty zone (or tier, or locale) is there, empty: a value, not an absence.
        #expect(key.part(6).map { Array($0) } == [])
        let noTags = key.begin(9)
        key.end(noTags, droppingIfEmpty: true)
        #expect(key.part(9) == nil)
        let tags = key.begin(9)
        key.appendToPart(MemberState.tagSeparator)
        Array("vip".utf8).withUnsafeBytes { key.appendToPart($0) }
        key.end(tags, droppingIfEmpty: true)
        #expect(key.part(9).map { Array($0) } == [MemberState.tagSeparator] + Array("vip".utf8))
        key.remove(tags)
        #expect(key.part(9) == nil && key.part(7) != nil)
        #expect(!key.isEmpty)
        key.clear()
        #expect(key.isEmpty)
    }

    /// Through the decoder: members with the same profile get one box, whatever order their record's fields are in.
    @Test func decodedMembersShareTheirProfileBox() throws {
        var gold = MemberState(id: "m-1", horizon: Instant(epochMillis: 0))
        gold.tier = "gold"
        gold.locale = "zh-CN"
        gold.timeZoneID = "Asia/Shanghai"
        gold.tags = ["vip", "会员"]
        var other = gold
        other.id = "m-2"
        var silver = gold
        silver.id = "m-3"
        silver.tier = "silver"
        var decoder = MemberStateCodec.Decoder()
        let first = try decoder.decode(MemberStateCodec.encode(gold)).member
        let second = try decoder.decode(MemberStateCodec.encode(other)).member
        let third = try decoder.decode(MemberStateCodec.encode(silver)).member
        #expect(first == gold && second == other && third == silver)
        #expect(first.storage.profile != nil && first.storage.profile === second.storage.profile)
        #expect(third.storage.profile !== first.storage.profile)
        // The same fields with locale (7) before tier (4): a miss in the decoder's cache, the shared box all the same.
        var reordered = MemberStateCodec.encode(MemberState(id: "m-4", horizon: Instant(epochMillis: 0)))
        reordered += [7, 6, 5] + Array("zh-CN".utf8) + [4, 5, 4] + Array("gold".utf8)
        reordered += [6, 14, 13] + Array("Asia/Shanghai".utf8)
        reordered += [9, 12, 2, 3] + Array("vip".utf8) + [6] + Array("会员".utf8)
        reordered[1] += 4
        let fourth = try decoder.decode(reordered).member
        #expect(fourth.tier == "gold" && fourth.locale == "zh-CN" && fourth.timeZoneID == "Asia/Shanghai" && fourth.tags == ["vip", "会员"])
        #expect(fourth.storage.profile === first.storage.profile)
    }

    /// An empty tier or locale is a value a member can have (an event can set it): it comes back as it was, not as
    /// none; an empty zone is still an unknown zone.
    @Test func emptyTiersAndLocalesRoundTripAndAnEmptyZoneIsUnknown() throws {
        var member = MemberState(id: "m-1", horizon: Instant(epochMillis: 0))
        member.tier = ""
        member.locale = ""
        var decoder = MemberStateCodec.Decoder()
        for _ in 0..<2 {
            let decoded = try decoder.decode(MemberStateCodec.encode(member)).member
            #expect(decoded == member && decoded.tier == "" && decoded.locale == "")
        }
        var bytes = MemberStateCodec.encode(MemberState(id: "m", horizon: Instant(epochMillis: 0)))
        bytes += [6, 1, 0]
        bytes[1] += 1
        #expect(throws: MemberStateDecodingError(.invalidValue("unknown time zone "), field: "timeZone")) { try decoder.decode(bytes) }
    }

    @Test func invalidUTF8InATierIsAnErrorInItsField() {
        var bytes = MemberStateCodec.encode(MemberState(id: "m", horizon: Instant(epochMillis: 0)))
        // Field 4 (tier), one byte 0xC3 (a lead byte with nothing after it), after a decoder met valid tiers.
        bytes += [4, 2, 1, 0xC3]
        bytes[1] += 1
        var decoder = MemberStateCodec.Decoder()
        var gold = MemberState(id: "m-1", horizon: Instant(epochMillis: 0))
        gold.tier = "gold"
        #expect(throws: Never.self) { try decoder.decode(MemberStateCodec.encode(gold)) }
        #expect(throws: MemberStateDecodingError(.invalidUTF8, field: "tier")) { try decoder.decode(bytes) }
    }
}
