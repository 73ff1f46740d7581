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
        withRFC3339 { bytes.append(contentsOf: $0) }
    }

    /// Calls `body` with the RFC 3339 UTC form's bytes.
    ///
    /// Years 0–9999 are formatted in a stack buffer (jobs carry several instants and occurrence names hold one);
    /// others, never seen in practice, go through `String`.
    public func withRFC3339<Result>(_ body: (UnsafeRawBufferPointer) -> Result) -> Result {
        let seconds = epochMillis.floorDiv(1000)
        let millis = Int(epochMillis - seconds * 1000)
        let days = seconds.floorDiv(86_400)
        let secondOfDay = Int(seconds - days * 86_400)
        let date = LocalDate(daysSinceEpoch: days)
        guard 0..<10000 ~= date.year else {
            // Beyond four digits: the year as `String` writes it, then the rest as for a year that has four.
            let sameTimeIn2000 = LocalDate(year: 2000, month: date.month, day: date.day).daysSinceEpoch * 86_400 + Int64(secondOfDay)
            var text = Array(String(date.year).utf8)
            Instant(epochMillis: sameTimeIn2000 * 1000 + Int64(millis)).withRFC3339 { text += $0[4...] }
            return text.withUnsafeBytes(body)
        }
        // "YYYY-MM-DDTHH:MM:SS.mmmZ"
        var text: (UInt64, UInt64, UInt64) = (0, 0, 0)
        return withUnsafeMutableBytes(of: &text) { out in
            func put(_ value: Int, at offset: Int, width: Int) {
                var rest = value
                for position in stride(from: offset + width - 1, through: offset, by: -1) {
                    out[position] = UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: rest % 10)
                    rest /= 10
                }
            }
            put(date.year, at: 0, width: 4)
            out[4] = UInt8(ascii: "-")
            put(date.month, at: 5, width: 2)
            out[7] = UInt8(ascii: "-")
            put(date.day, at: 8, width: 2)
            out[10] = UInt8(ascii: "T")
            put(secondOfDay / 3600, at: 11, width: 2)
            out[13] = UInt8(ascii: ":")
            put(secondOfDay / 60 % 60, at: 14, width: 2)
            out[16] = UInt8(ascii: ":")
            put(secondOfDay % 60, at: 17, width: 2)
            guard millis != 0 else {
                out[19] = UInt8(ascii: "Z")
                return body(UnsafeRawBufferPointer(rebasing: out[..<20]))
            }
            out[19] = UInt8(ascii: ".")
            put(millis, at: 20, width: 3)
            out[23] = UInt8(ascii: "Z")
            return body(UnsafeRawBufferPointer(out))
        }
    }

    /// Parses an RFC 3339 date-time with any offset (`Z`, `+08:00`, `-05:00`) and optional fraction.
    public init?(rfc3339 text: String) {
        // Read from the string's own UTF-8 storage: every event and several plan fields carry a time.
        var text = text
        guard let value = text.withUTF8({ Self.parse(rfc3339: $0) }) else { return nil }
        self = value
    }

    /// `init(rfc3339:)` over UTF-8 bytes, for decoders that have not made a string of them.
    static func parse(rfc3339 b: UnsafeBufferPointer<UInt8>) -> Instant? {
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
