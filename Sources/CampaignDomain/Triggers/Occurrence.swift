/// One occurrence of a time trigger for a member: when it fires and how the contract names it.
public struct Occurrence: Sendable, Hashable {
    /// The occurrence's name in a form that is cheap to build and compare; `key` spells it out.
    public var name: Name
    /// The scheduled instant (`trigger.firedAt`).
    public var fireAt: Instant
    public var details: Details

    public init(name: Name, fireAt: Instant, details: Details = .none) {
        self.name = name
        self.fireAt = fireAt
        self.details = details
    }

    public init(key: String, fireAt: Instant, details: Details = .none) {
        self.init(name: .text(key), fireAt: fireAt, details: details)
    }

    /// The occurrence string of CONTRACT §4, e.g. `"2026"` or `"2026-03-01T02:00:00Z/30d"`.
    public var key: String { name.description }

    /// An occurrence name; the string is only built when a job, a decision or the occurrence log needs it.
    public enum Name: Sendable, Hashable, CustomStringConvertible {
        /// A calendar year: `"2026"`.
        case year(Int)
        /// An instant and a day count: `"<instant>/<N>d"` (dormancy, expiring points).
        case instantDays(Instant, Int)
        case once
        case text(String)

        public var description: String {
            switch self {
            case .year(let year): String(year)
            // From the bytes `withSpelling` formats on the stack: an interpolation built the instant's string first.
            case .instantDays(_, let days) where days >= 0: withSpelling { String(decoding: $0, as: UTF8.self) }
            case .instantDays(let instant, let days): "\(instant.rfc3339)/\(days)d"
            case .once: "once"
            case .text(let text): text
            }
        }

        /// Whether `text` spells this name (`description == text`), without building the name.
        ///
        /// Checking the occurrence log runs for every candidate occurrence of every time plan, so it compares bytes
        /// formatted on the stack instead of allocating a string each time.
        public func isSpelled(by text: String) -> Bool {
            var text = text
            return text.withUTF8 { utf8 in
                switch self {
                case .year(let year) where year >= 0:
                    return Self.isDecimal(UnsafeRawBufferPointer(utf8), of: UInt(year))
                case .instantDays(let instant, let days) where days >= 0:
                    // "/<days>d" first: a member's entries for one plan often differ only there, and it needs no
                    // formatted instant.
                    return withDecimalDigits(of: UInt(days)) { digits in
                        let suffix = digits.count + 2
                        guard utf8.count > suffix, utf8[utf8.count - 1] == UInt8(ascii: "d"),
                            utf8[utf8.count - suffix] == UInt8(ascii: "/"),
                            ByteWord.same(UnsafeRawBufferPointer(UnsafeBufferPointer(rebasing: utf8[(utf8.count - suffix + 1)..<(utf8.count - 1)])), digits)
                        else { return false }
                        let time = UnsafeRawBufferPointer(UnsafeBufferPointer(rebasing: utf8[..<(utf8.count - suffix)]))
                        return instant.withRFC3339 { ByteWord.same(time, $0) }
                    }
                default:
                    return withSpelling { ByteWord.same(UnsafeRawBufferPointer(utf8), $0) }
                }
            }
        }

        /// Whether `text` is `value` as `String(value)` writes it: digits only, no leading zero.
        private static func isDecimal(_ text: UnsafeRawBufferPointer, of value: UInt) -> Bool {
            // 19 digits always fit a UInt; longer text cannot be a year.
            guard !text.isEmpty, text.count <= 19, text.count == 1 || text[0] != UInt8(ascii: "0") else { return false }
            var parsed: UInt = 0
            for byte in text {
                let digit = byte &- UInt8(ascii: "0")
                guard digit < 10 else { return false }
                parsed = parsed &* 10 &+ UInt(digit)
            }
            return parsed == value
        }

        /// Calls `body` with the bytes of `description`.
        func withSpelling<Result>(_ body: (UnsafeRawBufferPointer) -> Result) -> Result {
            switch self {
            case .instantDays(let instant, let days) where days >= 0:
                return instant.withRFC3339 { time in
                    withDecimalDigits(of: UInt(days)) { digits in
                        // "<instant>/<days>d"
                        withUnsafeTemporaryAllocation(byteCount: time.count + digits.count + 2, alignment: 1) { buffer in
                            buffer.copyMemory(from: time)
                            buffer[time.count] = UInt8(ascii: "/")
                            UnsafeMutableRawBufferPointer(rebasing: buffer[(time.count + 1)...]).copyMemory(from: digits)
                            buffer[buffer.count - 1] = UInt8(ascii: "d")
                            return body(UnsafeRawBufferPointer(buffer))
                        }
                    }
                }
            case .text(var text):
                return text.withUTF8 { body(UnsafeRawBufferPointer($0)) }
            default:
                var text = description
                return text.withUTF8 { body(UnsafeRawBufferPointer($0)) }
            }
        }
    }

    /// Facts about the occurrence that notifications can show.
    public enum Details: Sendable, Hashable {
        case none
        case dormancy(inactiveDays: Int)
        case pointsExpiring(expiresAt: Instant, withinDays: Int)
        case anniversary(years: Int)
        /// An event-driven occurrence, with the event that caused it.
        case event(id: String)
        /// A spend threshold reached, with the period's spend.
        case spend(DecimalAmount)
        /// A recurring occurrence on a member-local date.
        case recurring(LocalDate)
    }
}

extension Trigger {
    /// The earliest occurrence of a time trigger firing at or after `notBefore` that `isHandled` does not exclude.
    ///
    /// Nil for event-driven and recurring triggers, which are not scheduled per member.
    public func nextOccurrence(
        for member: MemberState, zone: Zone, notBefore: Instant, isHandled: (Occurrence.Name) -> Bool
    ) -> Occurrence? {
        var best: Occurrence?
        /// Takes `candidate` when it is the earliest acceptable so far; says whether it did.
        @discardableResult
        func consider(_ candidate: Occurrence) -> Bool {
            guard candidate.fireAt >= notBefore else { return false }
            if let current = best, current.fireAt <= candidate.fireAt { return false }
            guard !isHandled(candidate.name) else { return false }
            best = candidate
            return true
        }
        // Candidates are generated in firing order where the trigger allows, so the first one accepted is the answer.
        switch self {
        case .birthday(let trigger):
            guard let birthday = member.birthday else { return nil }
            let year = zone.localDate(of: notBefore).year
            // The offset may move a birthday into the neighbouring year, so look one year either side.
            for birthdayYear in (year - 1)...(year + 2) {
                if consider(trigger.occurrence(birthday: birthday, year: birthdayYear, zone: zone)) { break }
            }
        case .dormancy(let trigger):
            guard let lastActivity = member.lastActivity else { return nil }
            // Ascending day counts fire in ascending order.
            for days in trigger.inactiveDays {
                if consider(trigger.occurrence(lastActivity: lastActivity, days: days, zone: zone)) { break }
            }
        case .pointsExpiring(let trigger):
            let points = member.points
            for index in 0..<points.bucketCount {
                guard let expiresAt = points.expiry(at: index) else { continue }
                // Within a bucket, descending day counts fire in ascending order; across buckets they interleave.
                for days in trigger.withinDays {
                    if consider(trigger.occurrence(expiresAt: expiresAt, days: days, zone: zone)) { break }
                }
            }
        case .anniversary(let trigger):
            guard let enrolledAt = member.enrolledAt else { return nil }
            let enrolled = zone.localDate(of: enrolledAt)
            let year = zone.localDate(of: notBefore).year
            /// Considers the anniversary in `calendarYear`, when it has one; says whether it was taken.
            func take(_ calendarYear: Int) -> Bool {
                guard let occurrence = trigger.occurrence(enrolled: enrolled, year: calendarYear, zone: zone) else { return false }
                return consider(occurrence)
            }
            // Without building a list of candidate years: this runs for every member on every visit.
            if let years = trigger.years {
                // With a list of anniversaries (e.g. 1, 5, 10), the next one may be years ahead: the first three from
                // last year on.
                var tried = 0
                for anniversary in years where enrolled.year + anniversary >= year - 1 {
                    if take(enrolled.year + anniversary) { break }
                    tried += 1
                    if tried == 3 { break }
                }
            } else {
                for calendarYear in (year - 1)...(year + 1) where take(calendarYear) { break }
            }
        case .enrolled(let trigger):
            guard let enrolledAt = member.enrolledAt else { return nil }
            consider(Occurrence(name: .once, fireAt: zone.adding(trigger.delay, to: enrolledAt)))
        case .firstPurchase, .tierChanged, .spendThreshold, .event, .recurring:
            return nil
        }
        return best
    }
}

extension Trigger {
    /// Whether `a` and `b` differ in what this time trigger's occurrences are computed from (zone aside).
    ///
    /// Rescheduling after an event only looks again at the plans this says changed.
    public func scheduleDiffers(_ a: MemberState, _ b: MemberState) -> Bool {
        switch self {
        case .birthday: a.birthday != b.birthday
        case .dormancy: a.lastActivity != b.lastActivity
        case .pointsExpiring:
            !a.points.hasSameExpiries(as: b.points)
        case .anniversary, .enrolled: a.enrolledAt != b.enrolledAt
        case .firstPurchase, .tierChanged, .spendThreshold, .event, .recurring: false
        }
    }
}

extension BirthdayTrigger {
    /// The occurrence for the birthday in `year` (the occurrence is named after that year).
    public func occurrence(birthday: Birthday, year: Int, zone: Zone) -> Occurrence {
        let date = birthday.date(in: year, leapDay: leapDay).adding(days: offsetDays)
        return Occurrence(name: .year(year), fireAt: zone.instant(of: date, at: at))
    }
}

extension DormancyTrigger {
    /// The first `at` on or after last activity + `days` member-local days.
    public func occurrence(lastActivity: Instant, days: Int, zone: Zone) -> Occurrence {
        let local = zone.localDateTime(of: lastActivity)
        var date = local.date.adding(days: days)
        let exact = LocalDateTime(date: date, time: local.time)
        let exactInstant = zone.instant(of: exact).adding(millis: lastActivity.epochMillis - lastActivity.epochSeconds * 1000)
        var fireAt = zone.instant(of: date, at: at)
        if fireAt < exactInstant {
            date = date.adding(days: 1)
            fireAt = zone.instant(of: date, at: at)
        }
        return Occurrence(name: .instantDays(lastActivity, days), fireAt: fireAt, details: .dormancy(inactiveDays: days))
    }
}

extension PointsExpiringTrigger {
    /// `at` on the member-local date `days` days before the expiry instant.
    public func occurrence(expiresAt: Instant, days: Int, zone: Zone) -> Occurrence {
        let date = zone.localDate(of: expiresAt).adding(days: -days)
        return Occurrence(
            name: .instantDays(expiresAt, days), fireAt: zone.instant(of: date, at: at),
            details: .pointsExpiring(expiresAt: expiresAt, withinDays: days))
    }
}

extension AnniversaryTrigger {
    /// The anniversary falling in calendar `year`, when it is one the trigger fires for (year 1 onwards).
    public func occurrence(enrolled: LocalDate, year: Int, zone: Zone) -> Occurrence? {
        let number = year - enrolled.year
        guard number >= 1, years.map({ $0.contains(number) }) ?? true else { return nil }
        let date = Birthday(year: nil, month: enrolled.month, day: enrolled.day).date(in: year, leapDay: leapDay)
        return Occurrence(name: .year(year), fireAt: zone.instant(of: date, at: at), details: .anniversary(years: number))
    }
}
