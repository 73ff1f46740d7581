/// Reads the changelog codecs' primitives with bounds checks; every failure is a `MemberStateDecodingError`.
///
/// Reads borrowed bytes (see `withBytes`): a restore decodes every record of a partition, and slicing a Swift array
/// for each field and string retained and released the array's buffer every time.
struct ByteReader {
    private let bytes: UnsafeRawBufferPointer
    private var index: Int
    /// The field being read, named in errors.
    let field: StaticString

    init(_ bytes: UnsafeRawBufferPointer, field: StaticString) {
        self.bytes = bytes
        self.index = 0
        self.field = field
    }

    /// Runs `body` with a reader over `bytes` from `offset`, named `field` in errors.
    static func withReader<Result>(
        over bytes: [UInt8], from offset: Int, field: StaticString,
        _ body: (inout ByteReader) throws(MemberStateDecodingError) -> Result
    ) throws(MemberStateDecodingError) -> Result {
        // `withUnsafeBytes` rethrows untyped errors, so the typed error crosses it inside a `Result`.
        let outcome = bytes.withUnsafeBytes { raw in
            Swift.Result { () throws(MemberStateDecodingError) -> Result in
                var reader = ByteReader(UnsafeRawBufferPointer(rebasing: raw[min(offset, raw.count)...]), field: field)
                return try body(&reader)
            }
        }
        return try outcome.get()
    }

    var isAtEnd: Bool { index >= bytes.count }
    var remaining: Int { bytes.count - index }

    func error(_ reason: MemberStateDecodingError.Reason) -> MemberStateDecodingError {
        MemberStateDecodingError(reason, field: field.description)
    }

    func invalid(_ detail: String) -> MemberStateDecodingError { error(.invalidValue(detail)) }

    mutating func byte() throws(MemberStateDecodingError) -> UInt8 {
        guard index < bytes.count else { throw error(.truncated) }
        defer { index += 1 }
        return bytes[index]
    }

    /// The next `count` bytes, valid as long as the bytes this reader reads.
    @inline(__always)
    mutating func take(_ count: Int) throws(MemberStateDecodingError) -> UnsafeRawBufferPointer {
        guard count >= 0, count <= remaining else { throw error(.truncated) }
        defer { index += count }
        return UnsafeRawBufferPointer(rebasing: bytes[index..<(index + count)])
    }

    /// LEB128: seven bits a byte, least significant first.
    @inline(__always)
    mutating func varint() throws(MemberStateDecodingError) -> UInt64 {
        // Most values (tags, lengths, counts) fit in one byte.
        if index < bytes.count, bytes[index] < 0x80 {
            defer { index += 1 }
            return UInt64(bytes[index])
        }
        return try longVarint()
    }

    private mutating func longVarint() throws(MemberStateDecodingError) -> UInt64 {
        var value: UInt64 = 0
        var shift: UInt64 = 0
        var position = index
        while position < bytes.count {
            let byte = bytes[position]
            position += 1
            // The tenth byte holds bit 63 alone.
            guard shift < 63 || (shift == 63 && byte <= 1) else { throw error(.malformedVarint) }
            value |= UInt64(byte & 0x7F) << shift
            if byte & 0x80 == 0 {
                index = position
                return value
            }
            shift += 7
        }
        throw error(.truncated)
    }

    mutating func signed() throws(MemberStateDecodingError) -> Int64 {
        let raw = try varint()
        return Int64(bitPattern: (raw >> 1) ^ (0 &- (raw & 1)))
    }

    mutating func int() throws(MemberStateDecodingError) -> Int {
        let value = try signed()
        guard let result = Int(exactly: value) else { throw invalid("\(value) out of range") }
        return result
    }

    /// An element count, which can never exceed the bytes left (every element takes at least one).
    @inline(__always)
    mutating func count() throws(MemberStateDecodingError) -> Int {
        let value = try varint()
        guard value <= UInt64(remaining) else { throw error(.truncated) }
        return Int(value)
    }

    mutating func fixed64() throws(MemberStateDecodingError) -> UInt64 {
        let raw = try take(8)
        var value: UInt64 = 0
        for offset in 0..<8 { value |= UInt64(raw[offset]) << UInt64(offset * 8) }
        return value
    }

    mutating func bool() throws(MemberStateDecodingError) -> Bool {
        switch try byte() {
        case 0: return false
        case 1: return true
        case let other: throw invalid("flag \(other)")
        }
    }

    mutating func string() throws(MemberStateDecodingError) -> String {
        let raw = try take(try count())
        guard let text = String(validUTF8: raw.assumingMemoryBound(to: UInt8.self)) else { throw error(.invalidUTF8) }
        return text
    }

    /// The bytes of a string, checked to be UTF-8, without making the string (valid as long as the bytes this reader
    /// reads).
    mutating func utf8() throws(MemberStateDecodingError) -> UnsafeRawBufferPointer {
        let raw = try take(try count())
        guard ByteWord.isASCII(raw) || String(validUTF8: raw.assumingMemoryBound(to: UInt8.self)) != nil else { throw error(.invalidUTF8) }
        return raw
    }

    mutating func instant() throws(MemberStateDecodingError) -> Instant {
        Instant(epochMillis: try signed())
    }

    mutating func optionalString() throws(MemberStateDecodingError) -> String? {
        try bool() ? try string() : nil
    }

    mutating func optionalInstant() throws(MemberStateDecodingError) -> Instant? {
        try bool() ? try instant() : nil
    }
}
