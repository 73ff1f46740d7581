/// Tests on eight bytes at once, read as one `UInt64`: each gives a word that is nonzero exactly when some byte
/// matches, so several tests combine with `|` without a branch each.
///
/// Byte scanners (the event decoder's strings, the JSON writer's escape check) skip plain runs a word at a time.
enum ByteWord {
    private static let ones: UInt64 = 0x0101_0101_0101_0101
    private static let highs: UInt64 = 0x8080_8080_8080_8080

    /// Nonzero when some byte is below `limit` (at most 0x80); bytes from 0x80 up never count.
    @inline(__always)
    static func below(_ limit: UInt8, in word: UInt64) -> UInt64 {
        (word &- ones &* UInt64(limit)) & ~word & highs
    }

    /// Nonzero when some byte equals `byte`.
    @inline(__always)
    static func equal(to byte: UInt8, in word: UInt64) -> UInt64 {
        let difference = word ^ (ones &* UInt64(byte))
        return (difference &- ones) & ~difference & highs
    }

    /// Nonzero when some byte is 0x80 or above (outside ASCII).
    @inline(__always)
    static func nonASCII(in word: UInt64) -> UInt64 { word & highs }

    /// Whether `a` and `b` hold the same bytes, compared eight at a time (`elementsEqual` went byte by byte through
    /// the generic sequence code).
    static func same(_ a: UnsafeRawBufferPointer, _ b: UnsafeRawBufferPointer) -> Bool {
        guard a.count == b.count else { return false }
        var index = 0
        while index + 8 <= a.count {
            guard a.loadUnaligned(fromByteOffset: index, as: UInt64.self) == b.loadUnaligned(fromByteOffset: index, as: UInt64.self)
            else { return false }
            index += 8
        }
        while index < a.count {
            guard a[index] == b[index] else { return false }
            index += 1
        }
        return true
    }

    /// Whether every byte of `bytes` is below 0x80, eight at a time.
    static func isASCII(_ bytes: UnsafeRawBufferPointer) -> Bool {
        var bits: UInt64 = 0
        var index = 0
        while index + 8 <= bytes.count {
            bits |= bytes.loadUnaligned(fromByteOffset: index, as: UInt64.self)
            index += 8
        }
        while index < bytes.count {
            bits |= UInt64(bytes[index])
            index += 1
        }
        return nonASCII(in: bits) == 0
    }
}
