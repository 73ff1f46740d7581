/// A calendar date without a time zone (proleptic Gregorian).
public struct LocalDate: Sendable, Hashable, Comparable, CustomStringConvertible {
    public var year: Int
    public var month: Int
    public var day: Int

    public init(year: Int, month: Int, day: Int) {
        self.year = year
        self.month = month
        self.day = day
    }

    /// Parses `YYYY-MM-DD`; nil when malformed or not a real date.
    ///
    /// Read byte by byte (every enrolment carries a birthday). Each part may start with `+`, as it always could when
    /// the parts went through `Int(_:)`.
    public init?(iso text: String) {
        var text = text
        guard let date = text.withUTF8({ Self.parse(iso: $0) }) else { return nil }
        self = date
    }

    /// `init(iso:)` over UTF-8 bytes.
    static func parse(iso b: UnsafeBufferPointer<UInt8>) -> LocalDate? {
        guard b.count == 10, b[4] == UInt8(ascii: "-"), b[7] == UInt8(ascii: "-") else { return nil }
        // A part: an optional `+`, then at least one ASCII digit.
        func part(_ start: Int, _ end: Int) -> Int? {
            var index = start
            if b[index] == UInt8(ascii: "+") { index += 1 }
            guard index < end else { return nil }
            var value = 0
            while index < end {
                let digit = b[index] &- UInt8(ascii: "0")
                guard digit <= 9 else { return nil }
                value = value * 10 + Int(digit)
                index += 1
            }
            return value
        }
        guard let y = part(0, 4), let m = part(5, 7), let d = part(8, 10), (1...12).contains(m), d >= 1,
            d <= LocalDate.daysIn(month: m, year: y)
        else { return nil }
        return LocalDate(year: y, month: m, day: d)
    }

    public static func < (lhs: LocalDate, rhs: LocalDate) -> Bool {
        (lhs.year, lhs.month, lhs.day) < (rhs.year, rhs.month, rhs.day)
    }

    public var description: String {
        let y = year >= 0 && year < 10000 ? String(String(year + 10000).dropFirst()) : String(year)
        return "\(y)-\(twoDigits(month))-\(twoDigits(day))"
    }

    public static func isLeap(_ year: Int) -> Bool { year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) }

    public static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: isLeap(year) ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    /// Days since 1970-01-01.
    public var daysSinceEpoch: Int64 {
        // Neri and Schneider's unsigned form ("Euclidean affine functions and their application to calendar
        // algorithms", 2022): years shifted by 82 × 400 so everything is non-negative, no signed division. Every
        // job and occurrence converts dates; the general form below took four times the instructions.
        guard (-32_000...1_000_000).contains(year), (1...12).contains(month), (1...31).contains(day) else {
            return generalDaysSinceEpoch
        }
        let januaryOrFebruary: UInt32 = month <= 2 ? 1 : 0
        let y = UInt32(truncatingIfNeeded: year &+ 32_800) &- januaryOrFebruary
        let m = UInt32(truncatingIfNeeded: month) &+ 12 &* januaryOrFebruary
        let century = y / 100
        let dayOfEra = 1461 &* y / 4 &- century &+ century / 4
        let dayOfYear = (979 &* m &- 2919) / 32 &+ UInt32(truncatingIfNeeded: day) &- 1
        return Int64(dayOfEra &+ dayOfYear) - Self.shiftedEpoch
    }

    /// 1970-01-01 in the shifted count of `daysSinceEpoch` and `init(daysSinceEpoch:)`: 719,468 days from
    /// 0000-03-01 plus 82 eras of 146,097 days.
    private static let shiftedEpoch: Int64 = 12_699_422

    /// `daysSinceEpoch` for any year, month and day (days_from_civil).
    var generalDaysSinceEpoch: Int64 {
        let y = Int64(month <= 2 ? year - 1 : year)
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let m = Int64(month)
        let doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + Int64(day) - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    /// The date `daysSinceEpoch` days after 1970-01-01.
    public init(daysSinceEpoch: Int64) {
        // Neri and Schneider's unsigned form (see `daysSinceEpoch`), within about ±32,000 years of now.
        guard (-Self.shiftedEpoch...1_000_000_000).contains(daysSinceEpoch) else {
            self.init(generalDaysSinceEpoch: daysSinceEpoch)
            return
        }
        let n = UInt32(truncatingIfNeeded: daysSinceEpoch + Self.shiftedEpoch)
        let n1 = 4 &* n &+ 3
        let century = n1 / 146_097
        let dayOfCentury = n1 % 146_097 / 4
        let p2 = UInt64(2_939_745) &* UInt64(4 &* dayOfCentury &+ 3)
        let yearOfCentury = UInt32(truncatingIfNeeded: p2 >> 32)
        let dayOfYear = UInt32(truncatingIfNeeded: p2) / 2_939_745 / 4
        let n3 = 2141 &* dayOfYear &+ 197_913
        let marchBased = n3 >> 16
        let day = (n3 & 0xFFFF) / 2141
        // Years start on March 1 in this count: January and February belong to the next calendar year.
        let januaryOrFebruary: UInt32 = dayOfYear >= 306 ? 1 : 0
        self.init(
            year: Int(100 &* century &+ yearOfCentury &+ januaryOrFebruary) - 32_800,
            month: Int(marchBased &- 12 &* januaryOrFebruary), day: Int(day &+ 1))
    }

    /// `init(daysSinceEpoch:)` for any day count (civil_from_days).
    init(generalDaysSinceEpoch daysSinceEpoch: Int64) {
        let z = daysSinceEpoch + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        self.init(year: Int(yoe + era * 400 + (m <= 2 ? 1 : 0)), month: Int(m), day: Int(d))
    }

    public func adding(days: Int) -> LocalDate { LocalDate(daysSinceEpoch: daysSinceEpoch + Int64(days)) }

    /// Adds calendar months, clamping the day to the target month's length (Jan 31 + 1 month = Feb 28/29).
    public func adding(months: Int) -> LocalDate {
        let total = year * 12 + (month - 1) + months
        let y = total.floorDivInt(12)
        let m = total - y * 12 + 1
        return LocalDate(year: y, month: m, day: min(day, LocalDate.daysIn(month: m, year: y)))
    }

    /// Whole days from `self` to `other` (positive when `other` is later).
    public func days(until other: LocalDate) -> Int { Int(other.daysSinceEpoch - daysSinceEpoch) }

    /// ISO weekday: 1 = Monday … 7 = Sunday.
    public var isoWeekday: Int {
        let w = Int((daysSinceEpoch + 3) % 7)  // 1970-01-01 was a Thursday (3 with Monday = 0)
        return (w < 0 ? w + 7 : w) + 1
    }
}

extension Int {
    func floorDivInt(_ divisor: Int) -> Int {
        let q = self / divisor
        return (self % divisor != 0 && (self < 0) != (divisor < 0)) ? q - 1 : q
    }
}
