/// Deterministic job ids: the same (plan id, member id, occurrence, action index) always gives the same id.
///
/// Formatted as an RFC 9562 version 8 UUID built from SHA-256, so consumers can store it in a UUID column.
public enum JobID {
    public static func make(planID: String, memberID: String, occurrence: String, actionIndex: Int) -> String {
        var input: [UInt8] = []
        input.reserveCapacity(planID.utf8.count + memberID.utf8.count + occurrence.utf8.count + 8)
        input += planID.utf8
        input.append(0)
        input += memberID.utf8
        input.append(0)
        input += occurrence.utf8
        input.append(0)
        input += String(actionIndex).utf8
        var bytes = Array(SHA256.hash(input).prefix(16))
        bytes[6] = (bytes[6] & 0x0F) | 0x80  // version 8
        bytes[8] = (bytes[8] & 0x3F) | 0x80  // RFC 9562 variant
        let hex: [UInt8] = Array("0123456789abcdef".utf8)
        var text: [UInt8] = []
        text.reserveCapacity(36)
        for (index, byte) in bytes.enumerated() {
            if index == 4 || index == 6 || index == 8 || index == 10 { text.append(UInt8(ascii: "-")) }
            text.append(hex[Int(byte >> 4)])
            text.append(hex[Int(byte & 0xF)])
        }
        return String(decoding: text, as: UTF8.self)
    }
}
