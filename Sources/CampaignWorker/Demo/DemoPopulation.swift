import CampaignDomain

/// Deterministic synthetic members and a year of their activity, for the demo.
///
/// Three kinds of member: regulars who order every few weeks all year, faders who stop after a few months (the
/// win-back ladder finds them), and one-timers who enrol and never come back. Everyone enrols with points earned in
/// 2025, which expire at the start of 2027 and so draw the December reminders.
struct DemoPopulation {
    struct TimedEvent {
        var time: Instant
        var key: String
        var value: [UInt8]
    }

    let start: Instant
    let end: Instant
    private var random: SplitMix64
    private(set) var events: [TimedEvent] = []
    private var sequence = 0

    init(members: Int, start: Instant, end: Instant, seed: UInt64 = 2026) {
        self.start = start
        self.end = end
        self.random = SplitMix64(seed: seed)
        for index in 1...max(members, 1) { addMember(memberID(index)) }
        addBadRecords()
        events.sort { $0.time < $1.time }
    }

    private mutating func addMember(_ id: String) {
        let zones = ["Asia/Shanghai", "Asia/Shanghai", "Asia/Shanghai", "Asia/Shanghai", "America/New_York", "Europe/London"]
        let tiers = ["normal", "normal", "silver", "silver", "gold", "gold", "platinum", "diamond"]
        let zone = zones[random.below( zones.count)]
        let tier = tiers[random.below( tiers.count)]
        var year = 1960 + random.below( 46)
        let month = 1 + random.below( 12)
        let day = random.below( 40) == 0 && month == 2 ? 29 : 1 + random.below( LocalDate.daysIn(month: month, year: 2026))
        if month == 2, day == 29 { year = 2000 }  // a leap day needs a leap birth year
        let birthday = random.below( 10) == 0 ? "--\(twoDigit(month))-\(twoDigit(day))" : LocalDate(year: year, month: month, day: day).description
        let consents = #"{"sms":\#(random.below( 3) > 0),"email":false,"push":\#(random.below( 2) == 0),"wechat":\#(random.below( 4) > 0)}"#
        let tags = random.below( 25) == 0 ? #"["blocked"]"# : #"["demo"]"#
        let enrolledAt = start.adding(seconds: Int64(random.below( 30 * 86_400)))
        add(id, "member.enrolled", enrolledAt, #"{"tier":"\#(tier)","birthday":"\#(birthday)","timezone":"\#(zone)","locale":"\#(zone.hasPrefix("Asia") ? "zh-CN" : "en-GB")","consents":\#(consents),"tags":\#(tags)}"#)
        // Points earned in 2025 (back-dated): the programme's endOfYearAfter 1 expires them at the start of 2027.
        let earned = 50 + random.below( 1500)
        add(id, "points.earned", enrolledAt.adding(seconds: 60), #"{"amount":\#(earned),"reason":"migration"}"#, time: Instant(epochSeconds: 1_748_736_000))
        let kind = random.below( 10)
        let activeUntil: Instant
        switch kind {
        case 0...4: activeUntil = end  // regulars
        case 5...7: activeUntil = start.adding(seconds: Int64((60 + random.below( 150)) * 86_400))  // faders
        default: activeUntil = enrolledAt  // one-timers
        }
        var time = enrolledAt.adding(seconds: Int64((3 + random.below( 20)) * 86_400))
        var orderNumber = 0
        while time < activeUntil, time < end {
            orderNumber += 1
            let amount = 20 + random.below( 600)
            add(id, "order.completed", time, #"{"orderId":"o-\#(id)-\#(orderNumber)","amount":"\#(amount).\#(twoDigit(random.below( 100)))","currency":"CNY","pointsEarned":\#(amount / 10),"channel":"\#(random.below( 2) == 0 ? "online" : "offline")"}"#)
            if random.below( 6) == 0 {
                add(id, "points.redeemed", time.adding(seconds: 3600), #"{"amount":\#(10 + random.below( 100))}"#)
            }
            if random.below( 3) == 0 {
                add(id, "member.activity", time.adding(seconds: Int64(random.below( 5 * 86_400))), #"{"kind":"visit"}"#)
            }
            time = time.adding(seconds: Int64((7 + random.below( 35)) * 86_400))
        }
    }

    /// A few records a real topic also carries: broken JSON, a non-CloudEvent, an unknown type and a duplicate.
    private mutating func addBadRecords() {
        let middle = start.adding(seconds: 40 * 86_400)
        events.append(TimedEvent(time: middle, key: "m-000001", value: Array("{not json".utf8)))
        events.append(TimedEvent(time: middle, key: "m-000002", value: Array(#"{"hello":"world"}"#.utf8)))
        add("m-000003", "cart.abandoned", middle, #"{"cartId":"c-1"}"#)
        if let first = events.first(where: { $0.key == "m-000004" }) { events.append(TimedEvent(time: middle, key: first.key, value: first.value)) }
    }

    private mutating func add(_ member: String, _ type: String, _ at: Instant, _ data: String, time: Instant? = nil) {
        guard at < end else { return }
        sequence += 1
        let json = #"{"specversion":"1.0","id":"demo-\#(sequence)","source":"demo/generator","type":"\#(type)","subject":"\#(member)","time":"\#((time ?? at).rfc3339)","data":\#(data)}"#
        events.append(TimedEvent(time: at, key: member, value: Array(json.utf8)))
    }

    private func twoDigit(_ value: Int) -> String { value < 10 ? "0\(value)" : String(value) }
}

/// Zero-padded member ids: `m-000042`.
private func memberID(_ number: Int) -> String {
    let digits = String(number)
    return "m-" + String(repeating: "0", count: max(0, 6 - digits.count)) + digits
}
