/// Deterministic job ids: the same (plan id, member id, occurrence, action index) always gives the same id.
///
/// Formatted as an RFC 9562 version 8 UUID built from SHA-256, so consumers can store it in a UUID column.
public enum JobID {
    /// Copies `bytes` into `input` at `at`, then a zero byte when `separator`; returns where the next part starts.
    private static func put(_ bytes: UnsafeRawBufferPointer, into input: UnsafeMutableRawBufferPointer, at: Int, separator: Bool) -> Int {
        if let base = bytes.baseAddress, !bytes.isEmpty { (input.baseAddress! + at).copyMemory(from: base, byteCount: bytes.count) }
        guard separator else { return at + bytes.count }
        input[at + bytes.count] = 0
        return at + bytes.count + 1
    }

    public static func make(planID: String, memberID: String, occurrence: String, actionIndex: Int) -> String {
        var plan = planID, member = memberID, name = occurrence
        // The index's decimal digits, after a "-" for a negative index (no caller has one; it keeps its old id).
        var sign = actionIndex < 0 ? "-" : ""
        let h = withDecimalDigits(of: actionIndex.magnitude) { digits in
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
        // The first 16 digest bytes, big-endian words in order.
        var bytes: (UInt32, UInt32, UInt32, UInt32) = (h.0.bigEndian, h.1.bigEndian, h.2.bigEndian, h.3.bigEndian)
        return withUnsafeMutableBytes(of: &bytes) { digest in
            digest[6] = (digest[6] & 0x0F) | 0x80  // version 8
            digest[8] = (digest[8] & 0x3F) | 0x80  // RFC 9562 variant
            return String(unsafeUninitializedCapacity: 36) { text in
                let digits = lowercaseHexDigits.utf8Start
                let out = text.baseAddress!
                /// Writes bytes `from..<to` of the digest as hex at `at`.
                func hex(_ from: Int, _ to: Int, at: Int) {
                    for index in from..<to {
                        out[at + 2 * (index - from)] = digits[Int(digest[index] >> 4)]
                        out[at + 2 * (index - from) + 1] = digits[Int(digest[index] & 0xF)]
                    }
                }
                // 8-4-4-4-12 digits.
                hex(0, 4, at: 0)
                hex(4, 6, at: 9)
                hex(6, 8, at: 14)
                hex(8, 10, at: 19)
                hex(10, 16, at: 24)
                for dash in [8, 13, 18, 23] { out[dash] = UInt8(ascii: "-") }
                return 36
            }
        }
    }
}
