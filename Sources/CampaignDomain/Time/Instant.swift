/// A point on the UTC timeline with millisecond precision.
///
/// An integer rather than `Date`, so time arithmetic is exact and comparisons are cheap on the hot path.
public struct Instant: Sendable, Hashable, Comparable, CustomStringConvertible {
    public var epochMillis: Int64

    public init(epochMillis: Int64) { self.epochMillis = epochMillis }
    public init(epochSeconds: Int64) { self.epochMillis = epochSeconds * 1000 }

    public static func < (lhs: Instant, rhs: Instant) -> Bool { lhs.epochMillis < rhs.epochMillis }

    /// Later than any real instant (a sentinel for "never").
    public static let max = Instant(epochMillis: Int64.max)

    public var epochSeconds: Int64 { epochMillis.floorDiv(1000) }

    public func adding(seconds: Int64) -> Instant { Instant(epochMillis: epochMillis + seconds * 1000) }
    public func adding(millis: Int64) -> Instant { Instant(epochMillis: epochMillis + millis) }

    /// RFC 3339 in UTC, e.g. `2026-03-09T01:00:00Z` (milliseconds only when non-zero).
    public var description: String { rfc3339 }

    public var rfc3339: String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(24)
        appendRFC3339(to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Appends the RFC 3339 UTC form to `bytes` without building intermediate strings (jobs carry several).
    public func appendRFC3339(to bytes: inout [UInt8]) {
        let seconds = epochMillis.floorDiv(1000)
        let millis = Int(epochMillis - seconds * 1000)
        let days = seconds.floorDiv(86_400)
        let secondOfDay = Int(seconds - days * 86_400)
        let date = LocalDate(daysSinceEpoch: days)
        func digits(_ value: Int, _ count: Int) {
            var divisor = 1
            for _ in 1..<count { divisor *= 10 }
            var rest = value
            while divisor > 0 {
                bytes.append(UInt8(ascii: "0") + UInt8(rest / divisor % 10))
                rest %= divisor
                divisor /= 10
            }
        }
        if date.year >= 0 && date.year < 10000 {
            digits(date.year, 4)
        } else {
            bytes.append(contentsOf: String(date.year).utf8)
        }
        bytes.append(UInt8(ascii: "-"))
        digits(date.month, 2)
        bytes.append(UInt8(ascii: "-"))
        digits(date.day, 2)
        bytes.append(UInt8(ascii: "T"))
        digits(secondOfDay / 3600, 2)
        bytes.append(UInt8(ascii: ":"))
        digits(secondOfDay / 60 % 60, 2)
        bytes.append(UInt8(ascii: ":"))
        digits(secondOfDay % 60, 2)
        if millis != 0 {
            bytes.append(UInt8(ascii: "."))
            digits(millis, 3)
        }
        bytes.append(UInt8(ascii: "Z"))
    }

    /// Parses an RFC 3339 date-time with any offset (`Z`, `+08:00`, `-05:00`) and optional fraction.
    public init?(rfc3339 text: String) {
        var utf8 = Array(text.utf8)
        guard let value = Self.parse(&utf8) else { return nil }
        self = value
    }

    private static func parse(_ b: inout [UInt8]) -> Instant? {
        // YYYY-MM-DDTHH:MM:SS[.fff][Z|±HH:MM]
        guard b.count >= 20 else { return nil }
        func digits(_ start: Int, _ count: Int) -> Int? {
            var value = 0
            for i in start..<(start + count) {
                let d = b[i] &- UInt8(ascii: "0")
                guard d <= 9 else { return nil }
                value = value * 10 + Int(d)
            }
            return value
        }
        guard let year = digits(0, 4), b[4] == UInt8(ascii: "-"), let month = digits(5, 2), b[7] == UInt8(ascii: "-"),
            let day = digits(8, 2), b[10] == UInt8(ascii: "T") || b[10] == UInt8(ascii: "t") || b[10] == 0x20,
            let hour = digits(11, 2), b[13] == UInt8(ascii: ":"), let minute = digits(14, 2),
            b[16] == UInt8(ascii: ":"), let second = digits(17, 2)
        else { return nil }
        guard (1...12).contains(month), day >= 1, day <= LocalDate.daysIn(month: month, year: year), hour <= 23,
            minute <= 59, second <= 60
        else { return nil }
        var index = 19
        var millis = 0
        if index < b.count, b[index] == UInt8(ascii: ".") {
            index += 1
            var scale = 100
            let start = index
            while index < b.count, b[index] >= UInt8(ascii: "0"), b[index] <= UInt8(ascii: "9") {
                millis += Int(b[index] - UInt8(ascii: "0")) * scale
                scale /= 10
                index += 1
            }
            guard index > start else { return nil }
        }
        guard index < b.count else { return nil }
        var offsetSeconds = 0
        switch b[index] {
        case UInt8(ascii: "Z"), UInt8(ascii: "z"):
            index += 1
        case UInt8(ascii: "+"), UInt8(ascii: "-"):
            let sign = b[index] == UInt8(ascii: "-") ? -1 : 1
            guard index + 6 == b.count, let oh = digits(index + 1, 2), b[index + 3] == UInt8(ascii: ":"),
                let om = digits(index + 4, 2), oh <= 23, om <= 59
            else { return nil }
            offsetSeconds = sign * (oh * 3600 + om * 60)
            index += 6
        default:
            return nil
        }
        guard index == b.count else { return nil }
        let days = LocalDate(year: year, month: month, day: day).daysSinceEpoch
        let local = days * 86_400 + Int64(hour * 3600 + minute * 60 + min(second, 59))
        return Instant(epochMillis: (local - Int64(offsetSeconds)) * 1000 + Int64(millis))
    }
}

func twoDigits(_ value: Int) -> String {
    value < 10 ? "0\(value)" : String(value)
}

extension Int64 {
    /// Division rounding toward negative infinity.
    func floorDiv(_ divisor: Int64) -> Int64 {
        let q = self / divisor
        return (self % divisor != 0 && (self < 0) != (divisor < 0)) ? q - 1 : q
    }
}
