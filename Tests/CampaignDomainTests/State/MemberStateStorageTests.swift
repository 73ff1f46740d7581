@testable import CampaignDomain
import Glibc
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
        Birthday(year: 0, month: 1, day: 1), Birthday(year: Int(Int16.max), month: 15, day: 31),
        Birthday(year: Int(Int16.min), month: 0, day: 0), Birthday(year: nil, month: 0, day: 0),
        // Out of the packed range: kept in the rare box, still exactly as set.
        Birthday(year: Int(Int16.max) + 1, month: 1, day: 1), Birthday(year: Int(Int16.min) - 1, month: 1, day: 1),
        Birthday(year: 2000, month: 16, day: 1), Birthday(year: 2000, month: 1, day: 32), Birthday(year: nil, month: 12, day: 32),
        Birthday(year: Int(Int32.max), month: 255, day: 255), Birthday(year: Int(Int32.max) + 1, month: 1, day: 1),
        Birthday(year: nil, month: 256, day: -1),
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

    /// A member alone changes its rare fields in their box, keeping the others; a copy taken before still sees them
    /// as they were.
    @Test func aRareFieldChangesInPlaceOnlyWhileTheBoxIsUnshared() {
        var member = MemberStateFactory.fullyPopulated()
        // Weak: a strong reference here would share the box.
        weak let box = member.storage.rare
        member.notificationsSent.append(SentNotification(at: Instant(epochMillis: 7), channel: .email))
        #expect(box != nil && member.storage.rare === box, "changed in place: no new box")
        let before = member
        member.recurringLast["y"] = LocalDate(year: 2026, month: 2, day: 3)
        member.notificationsSent.removeAll()
        #expect(member.storage.rare !== box, "a shared box is copied, not changed")
        #expect(before.recurringLast["y"] == nil && before.notificationsSent.last?.at == Instant(epochMillis: 7))
        let populated = MemberStateFactory.fullyPopulated()
        #expect(before.homeStore == populated.homeStore && before.couponsRedeemed == populated.couponsRedeemed)
        #expect(before.heldNotifications == populated.heldNotifications && before.recurringLast == populated.recurringLast)
        #expect(member.homeStore == populated.homeStore && member.heldNotifications == populated.heldNotifications)
        #expect(member.recurringLast.count == populated.recurringLast.count + 1 && member.notificationsSent.isEmpty)
    }

    @Test func aCopiedBoxKeepsEveryField() {
        var original = MemberStateFactory.fullyPopulated()
        original.orderCount = Int(Int32.max) + 1
        for member in [MemberStateFactory.fullyPopulated(), original] {
            var copy = member
            copy.id = member.id  // a write: the shared box is copied first
            #expect(copy.storage !== member.storage)
            #expect(copy == member)
            #expect(String(describing: copy) == String(describing: member))
            #expect(MemberStateCodec.encode(copy) == MemberStateCodec.encode(member))
        }
    }

    @Test func theBoxFitsMallocs240ByteSizeClass() {
        // glibc serves requests up to 232 bytes from 240-byte chunks; a field more and every member costs 16 bytes more.
        let member = MemberStateFactory.fullyPopulated()
        // malloc.h is not in the Glibc module; look the function up (RTLD_DEFAULT is a null handle on glibc).
        typealias UsableSize = @convention(c) (UnsafeMutableRawPointer?) -> Int
        guard let symbol = dlsym(nil, "malloc_usable_size") else {
            Issue.record("no malloc_usable_size")
            return
        }
        let usable = unsafeBitCast(symbol, to: UsableSize.self)(Unmanaged.passUnretained(member.storage).toOpaque())
        #expect(usable == 232)
    }

    static let wideCounts: [Int] = [
        0, 1, -1, Int(Int32.max), Int(Int32.min), Int(Int32.max) + 1, Int(Int32.min) - 1, Int.max, Int.min,
    ]

    @Test(arguments: wideCounts)
    func countsAndDaysReadBackExactlyWhetherOrNotTheyFit32Bits(_ value: Int) {
        let fresh = MemberState(id: "m-1", horizon: Instant(epochMillis: 0))
        var member = fresh
        member.activityStreakDays = value
        member.orderCount = value &+ 1
        let date = LocalDate(daysSinceEpoch: Int64(value) / 1_000)  // any date a LocalDate can hold
        member.lastActiveDate = date
        #expect(member.activityStreakDays == value && member.orderCount == value &+ 1 && member.lastActiveDate == date)
        var copy = member
        copy.orderCount = 7
        copy.activityStreakDays = 8
        copy.lastActiveDate = LocalDate(daysSinceEpoch: Int64(Int32.max) + 1)
        #expect(member.activityStreakDays == value && member.orderCount == value &+ 1 && member.lastActiveDate == date)
        #expect(copy.orderCount == 7 && copy.activityStreakDays == 8)
        #expect(copy.lastActiveDate == LocalDate(daysSinceEpoch: Int64(Int32.max) + 1))
        // Back at the defaults, a member equals one never changed, with no rare box left behind.
        for var back in [member, copy] {
            back.activityStreakDays = 0
            back.orderCount = 0
            back.lastActiveDate = nil
            #expect(back == fresh && back.hashValue == fresh.hashValue && back.storage.rare == nil)
        }
    }

    @Test func periodSpendReadsBackExactlyEvenWhenItsYearIsNotItsMonths() {
        var spend = PeriodSpend()
        spend.add(DecimalAmount("12.5")!, on: LocalDate(year: 2026, month: 3, day: 9))
        var odd = spend
        odd.year = 2020
        var wide = spend
        wide.month = Int(Int32.max) + 1
        wide.year = wide.month / 12
        var negative = PeriodSpend()
        negative.month = -13
        negative.year = -2
        let fresh = MemberState(id: "m-1", horizon: Instant(epochMillis: 0))
        for value in [spend, odd, wide, negative, PeriodSpend()] {
            var member = fresh
            member.periodSpend = value
            #expect(member.periodSpend == value)
            member.periodSpend.add(DecimalAmount("1")!, on: LocalDate(year: 2027, month: 1, day: 1))
            var expected = value
            expected.add(DecimalAmount("1")!, on: LocalDate(year: 2027, month: 1, day: 1))
            #expect(member.periodSpend == expected)
            member.periodSpend = PeriodSpend()
            #expect(member == fresh && member.storage.rare == nil)
        }
    }

    @Test func tagsAndProfileShareABoxAndReadBackTheirOwnValues() {
        var a = MemberState(id: "a", horizon: Instant(epochMillis: 0))
        var b = MemberState(id: "b", horizon: Instant(epochMillis: 0))
        a.tier = "gold"
        b.tier = "gold"
        a.tags = ["vip"]
        #expect(a.storage.profile !== b.storage.profile)
        b.tags = ["vip"]
        #expect(a.storage.profile === b.storage.profile)
        b.tags = ["vip", "x\u{1F}"]
        #expect(a.tags == ["vip"] && b.tags == ["vip", "x\u{1F}"] && b.tier == "gold")
        b.tags = ["vip"]
        #expect(a == MemberState(id: "a", horizon: Instant(epochMillis: 0)).with { $0.tier = "gold"; $0.tags = ["vip"] })
        #expect(b.storage.rare == nil && a.storage.profile === b.storage.profile)
    }
}

extension MemberState {
    /// This member changed by `change`.
    func with(_ change: (inout MemberState) -> Void) -> MemberState {
        var copy = self
        change(&copy)
        return copy
    }
}
