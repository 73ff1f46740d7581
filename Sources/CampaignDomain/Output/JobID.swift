/// A deterministic job id: the same (plan id, member id, occurrence, action index) always gives the same id.
///
/// Formatted as an RFC 9562 version 8 UUID built from SHA-256, so consumers can store it in a UUID column. Its 36
/// characters are kept in the value itself: every job has one, and as a string it was an allocation of its own.
public struct JobID: Sendable, Hashable, CustomStringConvertible {
    /// How many bytes an id's text has.
    public static let utf8Count = 36

    /// The 36 ASCII characters (`8-4-4-4-12` lowercase hex digits).
    private var text: (UInt64, UInt64, UInt64, UInt64, UInt32)

    public init(planID: String, memberID: String, occurrence: String, actionIndex: Int) {
        let h = Self.digest(planID: planID, memberID: memberID, occurrence: occurrence, actionIndex: actionIndex)
        // The first 16 digest bytes, big-endian words in order.
        var digest: (UInt32, UInt32, UInt32, UInt32) = (h.0.bigEndian, h.1.bigEndian, h.2.bigEndian, h.3.bigEndian)
        text = (0, 0, 0, 0, 0)
        withUnsafeMutableBytes(of: &digest) { digest in
            digest[6] = (digest[6] & 0x0F) | 0x80  // version 8
            digest[8] = (digest[8] & 0x3F) | 0x80  // RFC 9562 variant
            withUnsafeMutableBytes(of: &text) { out in
                let digits = lowercaseHexDigits.utf8Start
                /// Writes bytes `from..<to` of the digest as hex at `at`.
                func hex(_ from: Int, _ to: Int, at: Int) {
                    for index in from..<to {
                        out[at + 2 * (index - from)] = digits[Int(digest[index] >> 4)]
                        out[at + 2 * (index - from) + 1] = digits[Int(digest[index] & 0xF)]
                    }
                }
                hex(0, 4, at: 0)
                hex(4, 6, at: 9)
                hex(6, 8, at: 14)
                hex(8, 10, at: 19)
                hex(10, 16, at: 24)
                for dash in [8, 13, 18, 23] { out[dash] = UInt8(ascii: "-") }
            }
        }
    }

    /// The id spelled as `text`; nil unless it is 36 characters of lowercase hex digits with dashes in a UUID's places.
    public init?(text: String) {
        let utf8 = Array(text.utf8)
        guard utf8.count == Self.utf8Count else { return nil }
        for (index, byte) in utf8.enumerated() {
            let valid = [8, 13, 18, 23].contains(index)
                ? byte == UInt8(ascii: "-")
                : (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains(byte)
            guard valid else { return nil }
        }
        self.text = (0, 0, 0, 0, 0)
        withUnsafeMutableBytes(of: &self.text) { out in
            for (index, byte) in utf8.enumerated() { out[index] = byte }
        }
    }

    /// The id as a string (an allocation: the hot path writes `withUTF8` instead).
    public var description: String { withUTF8 { String(decoding: $0, as: UTF8.self) } }

    /// Calls `body` with the id's 36 ASCII bytes.
    public func withUTF8<Result>(_ body: (UnsafeRawBufferPointer) throws -> Result) rethrows -> Result {
        try withUnsafeBytes(of: text) { try body(UnsafeRawBufferPointer(rebasing: $0[..<Self.utf8Count])) }
    }

    public static func == (lhs: JobID, rhs: JobID) -> Bool {
        lhs.text.0 == rhs.text.0 && lhs.text.1 == rhs.text.1 && lhs.text.2 == rhs.text.2 && lhs.text.3 == rhs.text.3
            && lhs.text.4 == rhs.text.4
    }

    public func hash(into hasher: inout Hasher) { withUTF8 { hasher.combine(bytes: $0) } }

    /// The id of (plan id, member id, occurrence, action index), as a string.
    public static func make(planID: String, memberID: String, occurrence: String, actionIndex: Int) -> String {
        JobID(planID: planID, memberID: memberID, occurrence: occurrence, actionIndex: actionIndex).description
    }

    /// Copies `bytes` into `input` at `at`, then a zero byte when `separator`; returns where the next part starts.
    private static func put(_ bytes: UnsafeRawBufferPointer, into input: UnsafeMutableRawBufferPointer, at: Int, separator: Bool) -> Int {
        if let base = bytes.baseAddress, !bytes.isEmpty { (input.baseAddress! + at).copyMemory(from: base, byteCount: bytes.count) }
        guard separator else { return at + bytes.count }
        input[at + bytes.count] = 0
        return at + bytes.count + 1
    }

    /// SHA-256 of `plan\0member\0occurrence\0action`.
    private static func digest(planID: String, memberID: String, occurrence: String, actionIndex: Int) -> SHA256.Words {
        var plan = planID, member = memberID, name = occurrence
        // The index's decimal digits, after a "-" for a negative index (no caller has one; it keeps its old id).
        var sign = actionIndex < 0 ? "-" : ""
        return withDecimalDigits(of: actionIndex.magnitude) { digits in
            let count = plan.utf8.count + member.utf8.count + name.utf8.count + sign.utf8.count + digits.count + 3
            return withUnsafeTemporaryAllocation(byteCount: count, alignment: 1) { input in
                // Each part's bytes are copied where the last ended; the position is advanced here, outside the
                // closures (a nested function that advanced it took an exclusivity check per part).
                var at = 0
                at = plan.withUTF8 { put(UnsafeRawBufferPointer($0), into: input, at: at, separator: true) }
                at = member.withUTF8 { put(UnsafeRawBufferPointer($0), into: input, at: at, separator: true) }
                at = name.withUTF8 { put(UnsafeRawBufferPointer($0), into: input, at: at, separator: true) }
                at = sign.withUTF8 { put(UnsafeRawBufferPointer($0), into: input, at: at, separator: false) }
                _ = put(digits, into: input, at: at, separator: false)
                return SHA256.state(of: UnsafeRawBufferPointer(input))
            }
        }
    }
}

extension JSONWriter {
    /// Writes a job id as a JSON string (its characters need no escaping).
    mutating func string(_ id: JobID) { id.withUTF8 { string(ascii: $0) } }
}
