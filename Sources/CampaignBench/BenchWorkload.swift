import CampaignDomain
import CampaignWorker
import Foundation

/// The synthetic workload every benchmark shares: members, a year of realistic activity, and twenty plans.
struct BenchWorkload {
    static let start = Instant(epochSeconds: 1_767_196_800)  // 2026-01-01T00:00:00+08:00
    static let year: Int64 = 365 * 86_400
    /// Monday of Black Friday week 2026, 00:00 in Shanghai: the busy week the engine benchmark replays.
    static let blackFridayWeek = Instant(epochSeconds: 1_795_363_200)

    /// Twenty plans of mixed triggers: the cookbook's eleven and the plan reference's examples, from the docs.
    ///
    /// The reference's weekly push to every consenting member is left out: it alone would be five jobs per member
    /// and year, and the benchmark is about events, not one broadcast.
    static func plans(root: String) throws -> [Plan] {
        var plans: [Plan] = []
        for file in ["docs/COOKBOOK.md", "docs/PLANS.md"] {
            let markdown = try String(contentsOfFile: root + "/" + file, encoding: .utf8)
            for block in DocumentedPlans.blocks(markdown: markdown) {
                plans += PlanParser().parse(Array(block.text.utf8), source: file).plans
            }
        }
        var seen = Set<String>()
        return Array(plans.filter { $0.id != "friday-deals" && seen.insert($0.id).inserted }.prefix(20))
    }

    /// A member's enrolment event.
    static func enrolment(_ member: Int, at base: Instant = start, random: inout SplitMix64) -> [UInt8] {
        let zones = ["Asia/Shanghai", "Asia/Shanghai", "Asia/Shanghai", "America/New_York", "Europe/London"]
        let tiers = ["normal", "silver", "gold", "platinum", "diamond"]
        let month = 1 + random.below(12), day = 1 + random.below(28)
        let time = base.adding(seconds: Int64(random.below(86_400)))
        return Array(#"{"specversion":"1.0","id":"e-\#(member)","source":"bench","type":"member.enrolled","subject":"m-\#(member)","time":"\#(time.rfc3339)","data":{"tier":"\#(tiers[random.below(5)])","birthday":"19\#(60 + random.below(40))-\#(month < 10 ? "0" : "")\#(month)-\#(day < 10 ? "0" : "")\#(day)","timezone":"\#(zones[random.below(zones.count)])","locale":"zh-CN","consents":{"sms":true,"push":\#(random.below(2) == 0),"wechat":true},"tags":["bench"]}}"#.utf8)
    }

    /// One activity event at `time`: orders, visits, points and profile updates in realistic proportions.
    static func activity(_ sequence: Int, member: Int, at time: Instant, random: inout SplitMix64) -> [UInt8] {
        let roll = random.below(100)
        let head = #"{"specversion":"1.0","id":"a-\#(sequence)","source":"bench","subject":"m-\#(member)","time":"\#(time.rfc3339)","#
        let body: String
        switch roll {
        case 0..<40:
            let amount = 20 + random.below(900)
            body = #""type":"order.completed","data":{"orderId":"o-\#(sequence)","amount":"\#(amount).\#(10 + random.below(90))","currency":"CNY","pointsEarned":\#(amount / 10),"channel":"online"}}"#
        case 40..<65:
            body = #""type":"member.activity","data":{"kind":"visit"}}"#
        case 65..<80:
            body = #""type":"points.earned","data":{"amount":\#(10 + random.below(500)),"reason":"campaign"}}"#
        case 80..<85:
            body = #""type":"points.redeemed","data":{"amount":\#(10 + random.below(100))}}"#
        default:
            body = #""type":"member.updated","data":{"tagsAdd":["t\#(random.below(5))"],"consents":{"email":\#(random.below(2) == 0)}}}"#
        }
        return Array((head + body).utf8)
    }

    /// A programme's busy week: `members` enrolled over the two years before it, then `events` activity events
    /// spread over the seven days in time order.
    static func busyWeek(members: Int, events: Int, seed: UInt64 = 7) -> (enrolments: [[UInt8]], activity: [[UInt8]]) {
        var random = SplitMix64(seed: seed)
        let enrolments = (0..<members).map { member in
            enrolment(member, at: blackFridayWeek.adding(seconds: -Int64(1 + random.below(730)) * 86_400), random: &random)
        }
        let step = max(7 * 86_400 * 1000 / Int64(max(events, 1)), 1)
        let activity = (0..<events).map { sequence in
            self.activity(sequence, member: random.below(members), at: blackFridayWeek.adding(millis: Int64(sequence) * step), random: &random)
        }
        return (enrolments, activity)
    }

    /// Loads `count` members into `store`, each from an enrolment and three activity events within 30 days of
    /// `start`, applied at `start`; checkpoints every 1,000 members, as the worker does at every commit.
    static func loadMembers(_ count: Int, seed: UInt64, engine: Engine, into store: inout PartitionStore) {
        var random = SplitMix64(seed: seed)
        var out: [OutputRecord] = []
        for member in 0..<count {
            var inputs = [enrolment(member, random: &random)]
            for extra in 0..<3 {
                let time = start.adding(seconds: Int64(random.below(30 * 86_400)))
                inputs.append(activity(member * 4 + extra, member: member, at: time, random: &random))
            }
            for bytes in inputs {
                guard case .success(let event) = engine.decode(InputRecord(topic: "a", partition: 0, offset: 0, key: nil, value: bytes)) else { continue }
                store.apply(event, now: start, engine: engine, into: &out)
            }
            out.removeAll(keepingCapacity: true)
            if member % 1_000 == 999 { store.checkpoint() }
        }
        store.checkpoint()
    }

    /// Enrolments for `members`, then `events` activity events spread over a year in time order.
    static func events(members: Int, events: Int, seed: UInt64 = 7) -> [[UInt8]] {
        var random = SplitMix64(seed: seed)
        var result = (0..<members).map { enrolment($0, random: &random) }
        result.reserveCapacity(members + events)
        let step = max(year * 1000 / Int64(max(events, 1)), 1)
        for sequence in 0..<events {
            let time = start.adding(seconds: 86_400).adding(millis: Int64(sequence) * step)
            result.append(activity(sequence, member: random.below(members), at: time, random: &random))
        }
        return result
    }
}
