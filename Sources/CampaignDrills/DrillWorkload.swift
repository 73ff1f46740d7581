import CampaignDomain
import Foundation

/// The input of one drill: members living through a few virtual days, and the plans and config they run under.
///
/// Every member's events happen between 09:30 and 10:00 member-local time and every plan fires at 09:00, so a worker
/// that applies an event up to 23 virtual hours late (a restart, a rebalance, a paused broker) still sees it before
/// any of that member's timers is due: `run` and `simulate` then produce the same jobs.
struct DrillWorkload {
    /// One CloudEvent to produce once the virtual clock reaches its time.
    struct Event {
        var time: Instant
        var key: String
        var line: String
    }

    static let start = Instant(epochSeconds: 1_767_196_800)  // 2026-01-01T00:00:00+08:00
    static let zones = ["Asia/Shanghai", "Asia/Tokyo", "Europe/London", "America/New_York"]

    let days: Int
    let memberCount: Int
    private(set) var events: [Event] = []
    /// Members erased mid-stream, with the erasure's time.
    private(set) var erasures: [String: Instant] = [:]

    /// The end of the drill's timeline; `simulate --until` and the comparison use it.
    var until: Instant { Self.start.adding(seconds: Int64(days) * 86_400) }

    init(days: Int, members: Int, seed: UInt64) {
        self.days = days
        self.memberCount = members
        var random = DrillRandom(seed: seed)
        for index in 0..<members { generateMember(index, random: &random) }
        events = events.filter { $0.time <= until }.sorted { ($0.time, $0.key) < ($1.time, $1.key) }
    }

    private mutating func generateMember(_ index: Int, random: inout DrillRandom) {
        let id = "m-\(1000 + index)"
        let zone = Zone(identifier: Self.zones[index % Self.zones.count])!
        let firstDay = LocalDate(year: 2026, month: 1, day: 1)
        var counter = 0
        var sent: [String] = []
        func at(_ day: Int, minute: Int) -> Instant {
            zone.instant(of: firstDay.adding(days: day), at: LocalTime(hour: 9, minute: 30 + minute))
        }
        func emit(_ type: String, day: Int, minute: Int, data: String, reuse: String? = nil) {
            let line: String
            if let reuse {
                line = reuse
            } else {
                counter += 1
                let time = at(day, minute: minute).rfc3339
                line = #"{"specversion":"1.0","id":"e-\#(index)-\#(counter)","source":"drill/pos","type":"\#(type)","subject":"\#(id)","time":"\#(time)","data":\#(data)}"#
                sent.append(line)
            }
            events.append(Event(time: at(day, minute: minute), key: id, line: line))
        }
        // Day 0: enrolment with a birthday inside the timeline, and points expiring inside it.
        let tiers = ["gold", "silver", "platinum", "normal"]
        let birthdayDay = 1 + random.below(max(1, days - 1))
        let birthday = firstDay.adding(days: birthdayDay)
        let year = 1970 + random.below(35)
        let consents = #"{"sms":\#(random.coin()),"wechat":\#(random.coin()),"push":\#(random.coin())}"#
        emit(
            "member.enrolled", day: 0, minute: index % 10,
            data: #"{"tier":"\#(tiers[random.below(tiers.count)])","birthday":"\#(year)-\#(twoDigits(birthday.month))-\#(twoDigits(birthday.day))","timezone":"\#(zone.identifier)","locale":"zh-CN","consents":\#(consents)}"#)
        let expiryDay = min(days, 4 + random.below(max(1, days - 3)))  // both reminders fall on day 1 or later
        // 20:00 local, so even the last reminder (09:00 the day before) fires 35 hours before the points go.
        let expiresAt = zone.instant(of: firstDay.adding(days: expiryDay - 1), at: LocalTime(hour: 20, minute: 0))
        emit("points.earned", day: 0, minute: 10 + index % 10, data: #"{"amount":\#(100 + random.below(400)),"expiresAt":"\#(expiresAt.rfc3339)"}"#)
        let erasedOn = index % 13 == 7 ? days / 2 : nil
        for day in 1..<max(1, days) {
            if let erasedOn, day == erasedOn {
                emit("member.erased", day: day, minute: 25, data: "{}")
                erasures[id] = at(day, minute: 25)
                return
            }
            var minute = index % 5
            func next() -> Int {
                defer { minute += 5 }
                return min(minute, 29)
            }
            if random.percent(35) { emit("member.activity", day: day, minute: next(), data: #"{"kind":"visit"}"#) }
            if random.percent(15) {
                emit("order.completed", day: day, minute: next(), data: #"{"orderId":"o-\#(index)-\#(day)","amount":"\#(10 + random.below(300)).50","pointsEarned":\#(random.below(50))}"#)
            }
            if random.percent(10) { emit("points.redeemed", day: day, minute: next(), data: #"{"amount":\#(50 + random.below(150))}"#) }
            if random.percent(5) { emit("tier.changed", day: day, minute: next(), data: #"{"from":"silver","to":"gold"}"#) }
            if random.percent(5), let previous = sent.randomElement(using: &random) {
                emit("duplicate", day: day, minute: next(), data: "", reuse: previous)
            }
        }
    }

    /// The plans every drill runs: a birthday gift, a win-back ladder and expiring-points reminders, all at 09:00.
    static let plans: [(file: String, json: String)] = [
        ("birthday.json", #"{"id":"drill-birthday","version":2,"trigger":{"type":"birthday","at":"09:00"},"audience":{"field":"tier","in":["gold","platinum"]},"actions":[{"type":"coupon","template":"BDAY-50","validDays":30},{"type":"notify","channels":["wechat","sms"],"template":"birthday-greeting"}]}"#),
        ("win-back.json", #"{"id":"drill-win-back","trigger":{"type":"dormancy","inactiveDays":[2,3],"at":"09:00"},"actions":[{"type":"coupon","template":"COMEBACK-20","validDays":14}]}"#),
        ("points.json", #"{"id":"drill-points","trigger":{"type":"pointsExpiring","withinDays":[2,1],"minPoints":50,"at":"09:00"},"actions":[{"type":"notify","channels":["push","sms"],"template":"points-expiring"}]}"#),
    ]
}

private func twoDigits(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }

/// The drills' generator: SplitMix64, so a seed reproduces a drill's input.
typealias DrillRandom = SplitMix64

extension SplitMix64 {
    mutating func percent(_ chance: Int) -> Bool { below(100) < chance }
    mutating func coin() -> Bool { next() & 1 == 1 }
}
