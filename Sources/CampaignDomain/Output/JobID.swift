/// Deterministic job ids: the same (plan id, member id, occurrence, action index) always gives the same id.
///
/// Formatted as an RFC 9562 version 8 UUID built from SHA-256, so consumers can store it in a UUID column.
public enum JobID {
    public static func make(planID: String, memberID: String, occurrence: String, actionIndex: Int) -> String {
        var plan = planID, member = memberID, name = occurrence, action = String(actionIndex)
        let count = plan.utf8.count + member.utf8.count + name.utf8.count + action.utf8.count + 3
        let h = withUnsafeTemporaryAllocation(of: UInt8.self, capacity: count) { input in
            var at = 0
            func put(_ text: inout String, separator: Bool) {
                text.withUTF8 { utf8 in
                    for byte in utf8 { input[at] = byte; at += 1 }
                }
                if separator { input[at] = 0; at += 1 }
            }
            put(&plan, separator: true)
            put(&member, separator: true)
            put(&name, separator: true)
            put(&action, separator: false)
            return SHA256.state(of: UnsafeRawBufferPointer(input))
        }
        // The first 16 digest bytes, big-endian words in order.
        var bytes: (UInt32, UInt32, UInt32, UInt32) = (h.0.bigEndian, h.1.bigEndian, h.2.bigEndian, h.3.bigEndian)
        return withUnsafeMutableBytes(of: &bytes) { digest in
            digest[6] = (digest[6] & 0x0F) | 0x80  // version 8
            digest[8] = (digest[8] & 0x3F) | 0x80  // RFC 9562 variant
            return String(unsafeUninitializedCapacity: 36) { text in
                var out = 0
                for index in 0..<16 {
                    if index == 4 || index == 6 || index == 8 || index == 10 { text[out] = UInt8(ascii: "-"); out += 1 }
                    text[out] = hexDigits[Int(digest[index] >> 4)]
                    text[out + 1] = hexDigits[Int(digest[index] & 0xF)]
                    out += 2
                }
                return out
            }
        }
    }

    private static let hexDigits: [UInt8] = Array("0123456789abcdef".utf8)
}
