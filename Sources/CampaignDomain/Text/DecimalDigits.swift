/// Calls `body` with the decimal digits of `value` (no sign, no leading zeros), formatted on the stack.
///
/// Integers in jobs and in occurrence names are written without going through `String`.
func withDecimalDigits<Result>(of value: UInt, _ body: (UnsafeRawBufferPointer) -> Result) -> Result {
    // UInt.max has 20 digits.
    var digits: (UInt64, UInt64, UInt64) = (0, 0, 0)
    return withUnsafeMutableBytes(of: &digits) { buffer in
        var start = buffer.count
        var rest = value
        repeat {
            start -= 1
            buffer[start] = UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: rest % 10)
            rest /= 10
        } while rest > 0
        return body(UnsafeRawBufferPointer(rebasing: buffer[start...]))
    }
}

/// The lowercase hex digits, by value: read through `utf8Start`, a constant address (a static array is a lazy global,
/// checked on every read). Job ids and the JSON writer's `\u00XX` escapes use them.
let lowercaseHexDigits: StaticString = "0123456789abcdef"
