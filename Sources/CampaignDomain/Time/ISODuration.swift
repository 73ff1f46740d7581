/// An ISO 8601 duration such as `P30D`, `PT6H`, `P12M` or `P1Y2M3DT4H5M6S`.
///
/// Years and months are kept as calendar months and days as calendar days, so `P1D` across a daylight-saving change
/// is the same wall-clock time the next day, as the contract's "member-local calendar days" require.
public struct ISODuration: Sendable, Hashable, CustomStringConvertible {
    public var months: Int
    public var days: Int
    public var seconds: Int64
    public let text: String

    public var description: String { text }

    /// Parses a non-negative ISO 8601 duration; nil when malformed or empty (`P`, `PT`).
    public init?(_ text: String) {
        var months = 0, days = 0
        var seconds: Int64 = 0
        var bytes = Array(text.utf8)[...]
        guard bytes.first == UInt8(ascii: "P") else { return nil }
        bytes = bytes.dropFirst()
        var inTime = false
        var sawComponent = false
        var number: Int?
        for byte in bytes {
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"):
                let digit = Int(byte - UInt8(ascii: "0"))
                let (m, o1) = (number ?? 0).multipliedReportingOverflow(by: 10)
                let (v, o2) = m.addingReportingOverflow(digit)
                guard !o1, !o2, v < 1_000_000 else { return nil }
                number = v
            case UInt8(ascii: "T"):
                guard !inTime, number == nil else { return nil }
                inTime = true
            default:
                guard let n = number else { return nil }
                switch (inTime, byte) {
                case (false, UInt8(ascii: "Y")): months += n * 12
                case (false, UInt8(ascii: "M")): months += n
                case (false, UInt8(ascii: "W")): days += n * 7
                case (false, UInt8(ascii: "D")): days += n
                case (true, UInt8(ascii: "H")): seconds += Int64(n) * 3600
                case (true, UInt8(ascii: "M")): seconds += Int64(n) * 60
                case (true, UInt8(ascii: "S")): seconds += Int64(n)
                default: return nil
                }
                number = nil
                sawComponent = true
            }
        }
        guard sawComponent, number == nil, !(inTime && bytes.last == UInt8(ascii: "T")) else { return nil }
        self.months = months
        self.days = days
        self.seconds = seconds
        self.text = text
    }

    /// The duration as a fixed length, counting a day as 24 h and a month as 30 days (for windows and lateness).
    public var approximateSeconds: Int64 { Int64(months) * 30 * 86_400 + Int64(days) * 86_400 + seconds }
}
