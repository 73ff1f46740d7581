/// Appends the codec's primitive encodings to a byte buffer.
struct ByteWriter {
    var bytes: [UInt8] = []

    /// LEB128: seven bits a byte, least significant first.
    mutating func varint(_ value: UInt64) {
        var value = value
        while value >= 0x80 {
            bytes.append(UInt8(truncatingIfNeeded: value) | 0x80)
            value >>= 7
        }
        bytes.append(UInt8(value))
    }

    /// Zigzag-encoded varint, so small negative numbers stay short.
    mutating func signed(_ value: Int64) {
        varint(UInt64(bitPattern: (value << 1) ^ (value >> 63)))
    }

    mutating func fixed64(_ value: UInt64) {
        for shift in stride(from: 0, to: 64, by: 8) { bytes.append(UInt8(truncatingIfNeeded: value >> UInt64(shift))) }
    }

    mutating func string(_ text: String) {
        var text = text
        text.withUTF8 { utf8 in
            varint(UInt64(utf8.count))
            bytes.append(contentsOf: utf8)
        }
    }

    mutating func instant(_ instant: Instant) { signed(instant.epochMillis) }

    mutating func optionalString(_ text: String?) {
        bytes.append(text == nil ? 0 : 1)
        if let text { string(text) }
    }

    mutating func optionalInstant(_ instant: Instant?) {
        bytes.append(instant == nil ? 0 : 1)
        if let instant { signed(instant.epochMillis) }
    }

    /// Writes `value` with `body` when present; returns whether anything was written.
    mutating func ifPresent<T>(_ value: T?, _ body: (inout ByteWriter, T) -> Void) -> Bool {
        guard let value else { return false }
        body(&self, value)
        return true
    }
}
