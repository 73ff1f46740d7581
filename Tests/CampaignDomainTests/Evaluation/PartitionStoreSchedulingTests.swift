@testable import CampaignDomain
import TestSupport
import Testing

/// After an event the store looks again only at the time plans whose inputs changed; these tests hold that shortcut
/// to the full computation over random member histories.
@Suite struct PartitionStoreSchedulingTests {
    static let plans = [
        PlanFactory.plan(#"{"id":"bday","trigger":{"type":"birthday","at":"09:00","offsetDays":-1},"actions":[{"type":"coupon","template":"B","validDays":7}]}"#),
        PlanFactory.plan(#"{"id":"dormant","trigger":{"type":"dormancy","inactiveDays":[20,45],"at":"10:00"},"actions":[{"type":"notify","channels":["sms"],"template":"miss-you"}]}"#),
        PlanFactory.plan(#"{"id":"expiring","trigger":{"type":"pointsExpiring","withinDays":[30,7],"minPoints":50,"at":"10:00"},"actions":[{"type":"notify","channels":["wechat"],"template":"points"}]}"#),
        PlanFactory.plan(#"{"id":"anniv","trigger":{"type":"anniversary","at":"11:00"},"actions":[{"type":"coupon","template":"A","validDays":30}]}"#),
        PlanFactory.plan(#"{"id":"welcome","trigger":{"type":"enrolled","delay":"PT20H"},"schedule":{"quietHours":{"from":"21:00","to":"08:00"}},"actions":[{"type":"notify","channels":["push"],"template":"welcome"}]}"#),
        PlanFactory.plan(#"{"id":"big-order","trigger":{"type":"event","eventType":"order.completed","where":{"field":"event.amount","gte":500}},"schedule":{"quietHours":{"from":"22:00","to":"09:00"}},"actions":[{"type":"notify","channels":["push"],"template":"thanks"}]}"#),
    ]

    /// A random history: enrolments, orders, visits, points, and profile changes that move birthdays and zones.
    static func history(members: Int, events count: Int, seed: UInt64) -> [(line: String, now: Instant)] {
        var random = SplitMix64(seed: seed)
        var events = EventFactory()
        let zones = ["Asia/Shanghai", "America/New_York", "Europe/London"]
        var time = Instant.at("2025-01-01T00:00:00Z")
        var result: [(line: String, now: Instant)] = []
        for member in 0..<members {
            let birthday = "19\(70 + random.below(30))-0\(1 + random.below(9))-\(10 + random.below(18))"
            let line = events.enrolled("m-\(member)", at: time.rfc3339, birthday: birthday, timezone: zones[random.below(3)])
            result.append((line, time))
            time = time.adding(seconds: Int64(random.below(3_600)))
        }
        for _ in 0..<count {
            time = time.adding(seconds: Int64(random.below(2 * 86_400)))
            let subject = "m-\(random.below(members))"
            let line: String
            switch random.below(10) {
            case 0..<3: line = events.event("order.completed", subject, at: time.rfc3339, data: #"{"orderId":"o-\#(random.below(1_000_000))","amount":"\#(100 + random.below(900)).00","currency":"CNY"}"#)
            case 3..<5: line = events.event("member.activity", subject, at: time.rfc3339, data: #"{"kind":"visit"}"#)
            case 5..<7: line = events.event("points.earned", subject, at: time.rfc3339, data: #"{"amount":\#(20 + random.below(300))}"#)
            case 7: line = events.event("points.redeemed", subject, at: time.rfc3339, data: #"{"amount":\#(10 + random.below(200))}"#)
            case 8: line = events.event("member.updated", subject, at: time.rfc3339, data: #"{"birthday":"1985-0\#(1 + random.below(9))-1\#(random.below(9))"}"#)
            default: line = events.event("member.updated", subject, at: time.rfc3339, data: #"{"timezone":"\#(zones[random.below(3)])"}"#)
            }
            result.append((line, time))
        }
        return result
    }

    static func run(
        _ history: [(line: String, now: Instant)], engine: Engine, afterEach: (inout PartitionStore, String) -> Void = { _, _ in }
    ) -> [OutputRecord] {
        var store = PartitionStore()
        var out: [OutputRecord] = []
        for (line, now) in history {
            store.fireDue(now: now, engine: engine, into: &out)
            let event = try! EventDecoder().decode(key: nil, value: Array(line.utf8)).get()
            store.apply(event, now: now, engine: engine, into: &out)
            afterEach(&store, event.subject)
        }
        store.fireDue(now: history.last!.now.adding(seconds: 400 * 86_400), engine: engine, into: &out)
        return out
    }

    @Test(arguments: [1, 2, 3] as [UInt64])
    func aMembersDueTimeIsNeverLaterThanTheFullComputation(seed: UInt64) {
        let engine = Engine(programme: Programme(), plans: Self.plans)
        var checked = 0
        _ = Self.run(Self.history(members: 40, events: 1_500, seed: seed), engine: engine) { store, memberID in
            guard let member = store.member(memberID) else { return }
            guard let exact = PartitionStore.nextDue(of: member, engine: engine) else { return }
            checked += 1
            #expect(member.nextDue.map { $0 <= exact } == true, "\(memberID): due \(String(describing: member.nextDue)), exactly \(exact)")
        }
        #expect(checked > 1_000)
    }

    /// The same history gives each member the same records, byte for byte and in the same order, as a store that
    /// recomputes every member after each event. (Across members the order of records due at the same instant may
    /// differ: it follows the timer queue, and only each member's order is kept by the output topics.)
    @Test(arguments: [1, 2, 3] as [UInt64])
    func outputsEqualThoseOfAFullRecomputationAfterEveryEvent(seed: UInt64) {
        let engine = Engine(programme: Programme(), plans: Self.plans)
        let history = Self.history(members: 40, events: 1_500, seed: seed)
        let incremental = Self.byMember(Self.run(history, engine: engine))
        let full = Self.byMember(Self.run(history, engine: engine) { store, _ in store.rescheduleAll(engine: engine) })
        #expect(incremental.values.reduce(0) { $0 + $1.count } > 200)
        #expect(incremental.keys.sorted() == full.keys.sorted())
        for (member, records) in incremental.sorted(by: { $0.key < $1.key }) {
            let expected = full[member] ?? []
            let common = min(records.count, expected.count)
            guard let index = (0..<common).first(where: { records[$0] != expected[$0] }) ?? (records.count == expected.count ? nil : common)
            else { continue }
            Issue.record("\(member): record \(index) differs: \(index < records.count ? records[index] : "none") vs \(index < expected.count ? expected[index] : "none")")
            return
        }
    }

    static func byMember(_ records: [OutputRecord]) -> [String: [String]] {
        var result: [String: [String]] = [:]
        for record in records {
            let key = String(decoding: record.key ?? [], as: UTF8.self)
            result[key, default: []].append(String(decoding: record.value ?? [], as: UTF8.self) + " " + record.headers.map { "\($0.key)=\(String(decoding: $0.value, as: UTF8.self))" }.joined(separator: ","))
        }
        return result
    }
}
