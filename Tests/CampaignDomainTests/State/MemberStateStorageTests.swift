@testable import CampaignDomain
import TestSupport
import Testing

/// The boxed storage behind `MemberState`: copies stay independent, optional fields round-trip, and every stored
/// property of the boxes is a member field the mirror (and so the codec tests) know about.
@Suite struct MemberStateStorageTests {
    @Test func everyStoredPropertyOfTheBoxesBelongsToAMirroredField() {
        let member = MemberStateFactory.fullyPopulated()
        let stored = Mirror(reflecting: member.storage).children.compactMap(\.label)
            + Mirror(reflecting: MemberState.RareFields()).children.compactMap(\.label)
        #expect(Set(stored) == Set(MemberState.storedFieldOwners.keys), "name a new stored property in MemberState.storedFieldOwners")
        let mirrored = Set(Mirror(reflecting: member).children.compactMap(\.label))
        let owners = Set(MemberState.storedFieldOwners.values.flatMap { $0 })
        #expect(owners == mirrored)
    }

    @Test func aChangedCopyLeavesTheOriginalAlone() {
        let original = MemberStateFactory.fullyPopulated()
        var copy = original
        copy.tier = "diamond"
        copy.enrolledAt = nil
        copy.tags.append("new")
        copy.points.add(5, expiresAt: nil)
        copy.recentEvents.insert(99)
        copy.heldNotifications.removeAll()
        copy.recurringLast["x"] = LocalDate(year: 2026, month: 1, day: 1)
        copy.couponsRedeemed += 1
        #expect(original == MemberStateFactory.fullyPopulated())
        #expect(copy != original)
        #expect(original.tier == "gold" && original.enrolledAt != nil && original.heldNotifications.count == 2)
        #expect(copy.tier == "diamond" && copy.enrolledAt == nil && copy.heldNotifications.isEmpty && copy.couponsRedeemed == 3)
    }

    @Test func optionalFieldsReadBackWhatWasSetIncludingNil() {
        var member = MemberState(id: "m-1", horizon: Instant(epochMillis: 5))
        #expect(member.enrolledAt == nil && member.lastActivity == nil && member.nextDue == nil)
        #expect(member.lastActiveDate == nil && member.birthday == nil && member.homeStore == nil)
        for millis: Int64 in [0, -1, Int64.min, Int64.max] {
            member.enrolledAt = Instant(epochMillis: millis)
            member.lastActivity = Instant(epochMillis: millis)
            member.nextDue = Instant(epochMillis: millis)
            member.horizon = Instant(epochMillis: millis)
            #expect(member.enrolledAt == Instant(epochMillis: millis) && member.lastActivity == Instant(epochMillis: millis))
            #expect(member.nextDue == Instant(epochMillis: millis) && member.horizon == Instant(epochMillis: millis))
        }
        member.lastActiveDate = LocalDate(year: 1970, month: 1, day: 1)
        #expect(member.lastActiveDate == LocalDate(year: 1970, month: 1, day: 1))
        member.enrolledAt = nil
        member.lastActiveDate = nil
        #expect(member.enrolledAt == nil && member.lastActiveDate == nil)
    }

    @Test(arguments: [
        Birthday(year: nil, month: 2, day: 29), Birthday(year: 1990, month: 12, day: 31), Birthday(year: -9999, month: 1, day: 1),
        Birthday(year: 0, month: 1, day: 1), Birthday(year: Int(Int32.max), month: 255, day: 255),
        // Out of the packed range: kept in the rare box, still exactly as set.
        Birthday(year: Int(Int32.max) + 1, month: 1, day: 1), Birthday(year: nil, month: 256, day: -1),
    ])
    func birthdaysReadBackExactly(_ birthday: Birthday) {
        var member = MemberState(id: "m-1", horizon: Instant(epochMillis: 0))
        member.birthday = birthday
        #expect(member.birthday == birthday)
        member.birthday = Birthday(year: 2000, month: 1, day: 2)
        #expect(member.birthday == Birthday(year: 2000, month: 1, day: 2))
        member.birthday = birthday
        member.birthday = nil
        #expect(member.birthday == nil)
        #expect(member == MemberState(id: "m-1", horizon: Instant(epochMillis: 0)))
    }

    @Test(arguments: [
        [], [""], ["", ""], ["bench"], ["bench", "t1", "t2"], ["a", ""], ["会员", "vip"], ["\u{301}e", "e\u{301}", "\u{1E}"],
        ["a-tag-longer-than-fifteen-bytes", "another-long-tag"],
        // A tag with the separator itself: kept in the rare box, still exactly as set.
        ["a\u{1F}b"], ["\u{1F}"],
    ] as [[String]])
    func tagsReadBackExactly(_ tags: [String]) {
        var member = MemberState(id: "m-1", horizon: Instant(epochMillis: 0))
        member.tags = tags
        #expect(member.tags == tags)
        #expect(member.tags.map { Array($0.utf8) } == tags.map { Array($0.utf8) })
        member.tags.append("x")
        #expect(member.tags == tags + ["x"])
        member.tags = []
        #expect(member == MemberState(id: "m-1", horizon: Instant(epochMillis: 0)))
    }

    @Test func rareFieldsBackAtTheirDefaultsCompareEqualToNeverSet() {
        let fresh = MemberState(id: "m-1", horizon: Instant(epochMillis: 0))
        var member = fresh
        member.homeStore = "s-1"
        member.couponsRedeemed = 2
        member.notificationsSent.append(SentNotification(at: Instant(epochMillis: 1), channel: .sms))
        #expect(member != fresh)
        member.homeStore = nil
        member.couponsRedeemed = 0
        member.notificationsSent.removeAll()
        #expect(member == fresh)
        #expect(member.hashValue == fresh.hashValue)
        #expect(member.storage.rare == nil)
    }
}
