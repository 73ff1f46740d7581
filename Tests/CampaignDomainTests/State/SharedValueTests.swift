@testable import CampaignDomain
import Testing

/// Interned tier names, locales and zones: equal values share one box, and a value always reads back as set.
@Suite struct SharedValueTests {
    @Test func equalValuesShareOneBox() {
        let tier = "tier-" + String(42)  // built at run time, so not a literal the compiler shares
        let profile = SharedValues.profile(MemberState.Profile(tier: tier, locale: "zh-CN", zone: nil))
        #expect(profile === SharedValues.profile(MemberState.Profile(tier: "tier-42", locale: "zh-CN", zone: nil)))
        #expect(profile.value.tier == "tier-42")
        let key = OccurrenceLog.Key(planID: "plan-" + String(1), counted: true, occurrence: "2026")
        #expect(SharedValues.occurrenceKey(key) === SharedValues.occurrenceKey(OccurrenceLog.Key(planID: "plan-1", counted: true, occurrence: "2026")))
        #expect(SharedValues.occurrenceKey(key) !== SharedValues.occurrenceKey(OccurrenceLog.Key(planID: "plan-1", counted: false, occurrence: "2026")))
        #expect(SharedValues.occurrenceKey(key) !== SharedValues.occurrenceKey(OccurrenceLog.Key(planID: "plan-1", counted: true, occurrence: "2027")))
        let zone = Zone(identifier: "America/New_York")!
        #expect(SharedValues.zone(zone) === SharedValues.zone(Zone(identifier: "America/New_York")!))
        #expect(SharedValues.zone(zone).value == zone)
    }

    @Test func membersWithTheSameTierLocaleAndZoneShareThemAndReadTheirOwnValues() {
        var a = MemberState(id: "a", horizon: Instant(epochMillis: 0))
        var b = MemberState(id: "b", horizon: Instant(epochMillis: 0))
        a.tier = "gold"
        b.tier = "gold"
        a.locale = "zh-CN"
        b.locale = "en-GB"
        a.timeZoneID = "Europe/London"
        #expect(a.storage.profile !== b.storage.profile)
        b.locale = "zh-CN"
        b.timeZoneID = "Europe/London"
        #expect(a.storage.profile === b.storage.profile)
        b.tier = "silver"
        b.locale = "en-GB"
        b.timeZoneID = nil
        #expect(a.tier == "gold" && b.tier == "silver")
        #expect(a.locale == "zh-CN" && b.locale == "en-GB")
        #expect(a.timeZoneID == "Europe/London" && b.timeZone == nil)
        a.tier = nil
        #expect(a.tier == nil)
    }

    @Test func pastTheCapValuesAreStillExactButNotShared() {
        var table = InternTable<String>(capacity: 2)
        let a = table.box(for: "a"), b = table.box(for: "b"), c = table.box(for: "c")
        #expect(a.value == "a" && b.value == "b" && c.value == "c")
        #expect(table.box(for: "a") === a && table.box(for: "b") === b)
        #expect(table.box(for: "c") !== c && table.box(for: "c").value == "c")
        #expect(table.count == 2)
    }
}
