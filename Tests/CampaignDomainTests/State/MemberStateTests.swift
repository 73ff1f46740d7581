@testable import CampaignDomain
import TestSupport
import Testing

@Suite struct MemberStateTests {
    var events = EventFactory()
    let engine = Engine(programme: Programme(), plans: [])

    mutating func apply(_ store: inout PartitionStore, _ line: String, now: String) -> ApplyOutcome {
        let event = try! EventDecoder().decode(key: nil, value: Array(line.utf8)).get()
        var out: [OutputRecord] = []
        return store.apply(event, now: Instant.at(now), engine: engine, into: &out)
    }

    @Test mutating func ordersPointsAndRejection() {
        var store = PartitionStore()
        _ = apply(&store, events.enrolled("m-1", at: "2026-01-05T10:00:00+08:00"), now: "2026-01-05T02:00:00Z")
        _ = apply(&store, events.event("order.completed", "m-1", at: "2026-02-01T10:00:00+08:00", data: #"{"orderId":"o-1","amount":"199.00","pointsEarned":19}"#), now: "2026-02-01T02:00:00Z")
        _ = apply(&store, events.event("order.completed", "m-1", at: "2026-02-02T10:00:00+08:00", data: #"{"orderId":"o-2","amount":"50.5","pointsEarned":5}"#), now: "2026-02-02T02:00:00Z")
        _ = apply(&store, events.event("order.rejected", "m-1", at: "2026-02-03T10:00:00+08:00", data: #"{"orderId":"o-2","amount":"50.5","pointsDeducted":5}"#), now: "2026-02-03T02:00:00Z")
        let member = store.member("m-1")!
        #expect(member.orderCount == 2)
        #expect(member.lifetimeSpend == DecimalAmount("199")!)
        #expect(member.points.balance == 19)
        #expect(member.points.buckets.first?.expiresAt == Instant.at("2028-01-01T00:00:00+08:00"))
    }

    @Test mutating func duplicatesChangeNothing() {
        var store = PartitionStore()
        let earn = events.event("points.earned", "m-1", at: "2026-01-05T10:00:00Z", id: "evt-points", data: #"{"amount":100}"#)
        #expect(apply(&store, earn, now: "2026-01-05T10:00:00Z") == .applied)
        for index in 0..<14 {
            _ = apply(&store, events.event("member.activity", "m-1", at: "2026-01-06T10:00:00Z", id: "a-\(index)"), now: "2026-01-06T10:00:00Z")
        }
        #expect(apply(&store, earn, now: "2026-01-07T10:00:00Z") == .duplicate)
        #expect(store.member("m-1")?.points.balance == 100)
        // The same id from another source is a different event.
        var other = EventFactory(source: "crm")
        #expect(apply(&store, other.event("points.earned", "m-1", at: "2026-01-05T10:00:00Z", id: "evt-points", data: #"{"amount":1}"#), now: "2026-01-07T10:00:00Z") == .applied)
    }

    @Test mutating func lastActivityNeverMovesBackAndCountsOnlyActivityTypes() {
        var store = PartitionStore()
        _ = apply(&store, events.event("member.activity", "m-1", at: "2026-03-01T10:00:00Z", data: #"{"kind":"visit"}"#), now: "2026-03-01T10:00:00Z")
        _ = apply(&store, events.event("order.completed", "m-1", at: "2026-02-01T10:00:00Z", data: #"{"orderId":"o","amount":"1"}"#), now: "2026-03-01T11:00:00Z")
        _ = apply(&store, events.event("points.earned", "m-1", at: "2026-03-05T10:00:00Z", data: #"{"amount":5}"#), now: "2026-03-05T10:00:00Z")
        #expect(store.member("m-1")?.lastActivity == Instant.at("2026-03-01T10:00:00Z"))
    }

    @Test mutating func eventsFarAheadOfTheClockAreTakenAtTheClock() {
        var store = PartitionStore()
        _ = apply(&store, events.event("member.activity", "m-1", at: "2026-06-01T00:00:00Z"), now: "2026-01-01T00:00:00Z")
        #expect(store.member("m-1")?.lastActivity == Instant.at("2026-01-01T00:00:00Z"))
    }

    @Test mutating func profileMergesTagsAndConsents() {
        var store = PartitionStore()
        _ = apply(&store, events.enrolled("m-1", at: "2026-01-01T00:00:00Z", tags: #"["vip","new"]"#), now: "2026-01-01T00:00:00Z")
        _ = apply(&store, events.event("member.updated", "m-1", at: "2026-01-02T00:00:00Z", data: #"{"tagsAdd":["blocked"],"tagsRemove":["new"],"consents":{"sms":false},"tier":"platinum"}"#), now: "2026-01-02T00:00:00Z")
        let member = store.member("m-1")!
        #expect(member.tags == ["vip", "blocked"])
        #expect(member.consents[.sms] == false)
        #expect(member.consents[.wechat] == true)
        #expect(member.tier == "platinum")
        #expect(member.enrolledAt == Instant.at("2026-01-01T00:00:00Z"))
    }

    @Test mutating func pointsEventsFollowTheLedgerRules() {
        var store = PartitionStore()
        let now = "2026-01-01T00:00:00Z"
        _ = apply(&store, events.event("points.earned", "m-1", at: now, data: #"{"amount":100,"expiresAt":"2026-06-01T00:00:00Z"}"#), now: now)
        _ = apply(&store, events.event("points.adjusted", "m-1", at: now, data: #"{"amount":50}"#), now: now)
        _ = apply(&store, events.event("points.redeemed", "m-1", at: now, data: #"{"amount":30}"#), now: now)
        _ = apply(&store, events.event("points.adjusted", "m-1", at: now, data: #"{"amount":-20}"#), now: now)
        #expect(store.member("m-1")?.points.buckets.map(\.amount) == [50, 50])
        _ = apply(&store, events.event("points.expired", "m-1", at: now, data: #"{"amount":50}"#), now: now)
        #expect(store.member("m-1")?.points.balance == 50)
        _ = apply(&store, events.event("points.snapshot", "m-1", at: now, data: #"{"buckets":[{"expiresAt":"2027-01-01T00:00:00Z","amount":7}]}"#), now: now)
        #expect(store.member("m-1")?.points.buckets == [PointsBucket(expiresAt: Instant.at("2027-01-01T00:00:00Z"), amount: 7)])
        // A bucket whose instant passed is dropped without a points.expired event.
        _ = apply(&store, events.event("member.activity", "m-1", at: "2027-01-02T00:00:00Z"), now: "2027-01-02T00:00:00Z")
        #expect(store.member("m-1")?.points.balance == 0)
    }

    @Test mutating func erasureForgetsTheMemberAndTheirDuplicateMemory() {
        var store = PartitionStore()
        let enrol = events.enrolled("m-1", at: "2026-01-01T00:00:00Z")
        _ = apply(&store, enrol, now: "2026-01-01T00:00:00Z")
        #expect(apply(&store, events.event("member.erased", "m-1", at: "2026-01-02T00:00:00Z"), now: "2026-01-02T00:00:00Z") == .erased)
        #expect(store.member("m-1") == nil)
        #expect(apply(&store, enrol, now: "2026-01-03T00:00:00Z") == .applied)
    }

    @Test mutating func activityStreakCountsConsecutiveLocalDays() {
        var store = PartitionStore()
        for (index, day) in ["2026-01-01", "2026-01-02", "2026-01-03", "2026-01-05"].enumerated() {
            _ = apply(&store, events.event("member.activity", "m-1", at: "\(day)T10:00:00+08:00", id: "s-\(index)"), now: "\(day)T02:00:00Z")
            if index == 2 { #expect(store.member("m-1")?.activityStreakDays == 3) }
        }
        #expect(store.member("m-1")?.activityStreakDays == 1)
    }

    /// `hasTag` reads the packed tags; it must answer as the unpacked list does, for tags that pack and tags that do not.
    @Test func hasTagAnswersAsTheTagListDoes() {
        let lists: [[String]] = [
            [], ["vip"], ["vip", "会员", ""], ["vi", "vipp", "x"], ["a\u{1F}b", "vip"], [""], ["vip", "vip"], ["caf\u{E9}", "\u{212A}"],
        ]
        // Canonically equivalent spellings: "cafe" with a combining accent, and K for the Kelvin sign.
        let probes = ["vip", "vi", "vipp", "", "会员", "a", "b", "a\u{1F}b", "x", "VIP", "cafe\u{301}", "K", "caf\u{E9}"]
        for list in lists {
            var member = MemberState(id: "m", horizon: Instant(epochMillis: 0))
            member.tags = list
            for probe in probes {
                #expect(member.hasTag(probe) == list.contains(probe), "\(list) has \(probe)")
            }
        }
    }
}
