/// An exact decimal amount (money, spend thresholds) stored as an integer count of millionths.
///
/// Amounts arrive as decimal strings such as `"199.00"`; binary floating point never touches them.
public struct DecimalAmount: Sendable, Hashable, Comparable, CustomStringConvertible {
    public static let scale: Int64 = 1_000_000
    public var micros: Int64

    public init(micros: Int64) { self.micros = micros }
    public init(integer: Int64) { self.micros = integer * Self.scale }

    public static let zero = DecimalAmount(micros: 0)

    /// Parses `123`, `-12.5`, `199.00`; nil for exponents, more than 6 decimals, or values beyond ±9 trillion.
    public init?(_ text: String) {
        var bytes = Array(text.utf8)[...]
        var negative = false
        if bytes.first == UInt8(ascii: "-") {
            negative = true
            bytes = bytes.dropFirst()
        } else if bytes.first == UInt8(ascii: "+") {
            bytes = bytes.dropFirst()
        }
        var whole: Int64 = 0
        var fraction: Int64 = 0
        var fractionDigits = 0
        var sawDot = false
        var sawDigit = false
        for byte in bytes {
            if byte == UInt8(ascii: ".") {
                guard !sawDot, sawDigit else { return nil }
                sawDot = true
                continue
            }
            guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
            let digit = Int64(byte - UInt8(ascii: "0"))
            sawDigit = true
            if sawDot {
                fractionDigits += 1
                guard fractionDigits <= 6 else { return nil }
                fraction = fraction * 10 + digit
            } else {
                whole = whole * 10 + digit
                guard whole < 9_000_000_000_000 else { return nil }
            }
        }
        guard sawDigit, !(sawDot && fractionDigits == 0) else { return nil }
        for _ in fractionDigits..<6 { fraction *= 10 }
        let value = whole * Self.scale + fraction
        self.micros = negative ? -value : value
    }

    public static func < (lhs: DecimalAmount, rhs: DecimalAmount) -> Bool { lhs.micros < rhs.micros }
    public static func + (lhs: DecimalAmount, rhs: DecimalAmount) -> DecimalAmount { DecimalAmount(micros: lhs.micros + rhs.micros) }
    public static func - (lhs: DecimalAmount, rhs: DecimalAmount) -> DecimalAmount { DecimalAmount(micros: lhs.micros - rhs.micros) }

    /// Shortest exact decimal text: `199`, `199.5`, `-0.25`.
    public var description: String {
        let sign = micros < 0 ? "-" : ""
        let magnitude = micros.magnitude
        let whole = magnitude / UInt64(Self.scale)
        var fraction = magnitude % UInt64(Self.scale)
        guard fraction != 0 else { return sign + String(whole) }
        var digits = 6
        while fraction % 10 == 0 {
            fraction /= 10
            digits -= 1
        }
        var fractionText = String(fraction)
        while fractionText.count < digits { fractionText = "0" + fractionText }
        return sign + String(whole) + "." + fractionText
    }

    /// Two-decimal text for money, e.g. `199.00`.
    public var moneyText: String {
        let cents = (micros.magnitude + 5_000) / 10_000
        let sign = micros < 0 && cents != 0 ? "-" : ""
        return sign + String(cents / 100) + "." + twoDigits(Int(cents % 100))
    }
}
