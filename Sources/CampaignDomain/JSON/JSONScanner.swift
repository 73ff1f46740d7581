/// One member of an object read by `JSONScanner`: where its name and value are in the input bytes.
///
/// Offsets are 32-bit so that a decoder's members fit in a stack buffer (see `EventDecoder.scanned`).
struct ScannedMember {
    /// What a value is, as far as the scanner looked.
    enum Kind: UInt8 { case string, number, bool, null, array, object }

    private var nameStart, nameEnd, valueStart, valueEnd: Int32
    /// What the value is.
    var kind: Kind
    /// For an object, how many members it has; they follow this member in the buffer when it is the last member of
    /// its own object (see `JSONScanner.members`).
    private(set) var memberCount: UInt16

    init(name: Range<Int>, kind: Kind, value: Range<Int>, memberCount: Int = 0) {
        nameStart = Int32(truncatingIfNeeded: name.lowerBound)
        nameEnd = Int32(truncatingIfNeeded: name.upperBound)
        valueStart = Int32(truncatingIfNeeded: value.lowerBound)
        valueEnd = Int32(truncatingIfNeeded: value.upperBound)
        self.kind = kind
        self.memberCount = UInt16(truncatingIfNeeded: memberCount)
    }

    /// The name's bytes, without quotes (ASCII, no escapes).
    var name: Range<Int> { Int(nameStart)..<Int(nameEnd) }
    /// A string's bytes without quotes; a number's text; `true`, `false` or `null`; an array or object with its
    /// brackets.
    var value: Range<Int> { Int(valueStart)..<Int(valueEnd) }
}

/// Reads a JSON object in place: each member's name and value as byte ranges, without building a tree.
///
/// Made for decoding events, where a tree of Swift strings costs several times what the event's own work does. It
/// accepts a strict subset of what `JSONParser` accepts: member names in ASCII, strings without escapes, containers
/// nested at most `maxDepth` deep. For anything else, valid or not, it answers nil; the caller then hands the record
/// to `JSONParser`, which decides and explains. So whatever the scanner accepts, the parser reads the same way.
struct JSONScanner {
    /// Containers inside the scanned object at most this deep (an event's `data.buckets[0]` is three).
    static let maxDepth = 3
    /// The members a caller's buffer should hold: 48 of 20 bytes stay under the 1 KiB that
    /// `withUnsafeTemporaryAllocation` places on the stack rather than the heap.
    static let memberCapacity = 48

    /// The input; offsets in `ScannedMember` are into it.
    let bytes: UnsafeBufferPointer<UInt8>
    /// The next byte to read.
    private(set) var index = 0

    init(bytes: UnsafeBufferPointer<UInt8>) {
        self.bytes = bytes
    }

    /// Scans the object that `range` holds (with its braces) into `members` from `first`, and returns how many
    /// members it has; nil where the scanner does not read the input as `JSONParser` would.
    ///
    /// The buffer beyond the returned members is scratch space for nested objects' members. The last member's, when
    /// it is an object, are left in place right after the returned ones: an event's `data` usually comes last, and
    /// is then not scanned twice.
    static func members(
        of range: Range<Int>, in bytes: UnsafeBufferPointer<UInt8>, into members: UnsafeMutableBufferPointer<ScannedMember>,
        from first: Int = 0
    ) -> Int? {
        guard range.upperBound <= Int(Int32.max) else { return nil }
        var scanner = JSONScanner(bytes: UnsafeBufferPointer(rebasing: bytes[..<range.upperBound]))
        scanner.index = range.lowerBound
        scanner.skipWhitespace()
        guard let count = scanner.object(depth: 0, into: members, from: first) else { return nil }
        scanner.skipWhitespace()
        return scanner.index == range.upperBound ? count : nil
    }

    private mutating func skipWhitespace() {
        while index < bytes.count {
            switch bytes[index] {
            case 0x20, 0x09, 0x0A, 0x0D: index += 1
            default: return
            }
        }
    }

    /// The object at `index`; its members go to `members[first...]`, nested objects' names after them while checked.
    private mutating func object(depth: Int, into members: UnsafeMutableBufferPointer<ScannedMember>, from first: Int) -> Int? {
        guard index < bytes.count, bytes[index] == UInt8(ascii: "{") else { return nil }
        index += 1
        skipWhitespace()
        if index < bytes.count, bytes[index] == UInt8(ascii: "}") {
            index += 1
            return 0
        }
        var count = 0
        while true {
            skipWhitespace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: "\""), let (name, ascii) = string(), ascii else { return nil }
            // Duplicate names are an error to the parser; the scanner leaves that verdict to it.
            for earlier in first..<(first + count) where equal(members[earlier].name, name) { return nil }
            skipWhitespace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else { return nil }
            index += 1
            skipWhitespace()
            guard first + count < members.count,
                let (kind, value, nested) = self.value(depth: depth, scratch: members, from: first + count + 1)
            else { return nil }
            members[first + count] = ScannedMember(name: name, kind: kind, value: value, memberCount: nested)
            count += 1
            skipWhitespace()
            guard index < bytes.count else { return nil }
            if bytes[index] == UInt8(ascii: ",") { index += 1; continue }
            if bytes[index] == UInt8(ascii: "}") { index += 1; return count }
            return nil
        }
    }

    private mutating func array(depth: Int, scratch: UnsafeMutableBufferPointer<ScannedMember>, from first: Int) -> Bool {
        index += 1
        skipWhitespace()
        if index < bytes.count, bytes[index] == UInt8(ascii: "]") {
            index += 1
            return true
        }
        while true {
            skipWhitespace()
            guard value(depth: depth, scratch: scratch, from: first) != nil else { return false }
            skipWhitespace()
            guard index < bytes.count else { return false }
            if bytes[index] == UInt8(ascii: ",") { index += 1; continue }
            if bytes[index] == UInt8(ascii: "]") { index += 1; return true }
            return false
        }
    }

    /// The value at `index`, inside a container at `depth`, with an object's member count (written to `scratch`).
    private mutating func value(
        depth: Int, scratch: UnsafeMutableBufferPointer<ScannedMember>, from first: Int
    ) -> (ScannedMember.Kind, Range<Int>, Int)? {
        guard index < bytes.count else { return nil }
        let start = index
        switch bytes[index] {
        case UInt8(ascii: "\""):
            guard let (text, _) = string() else { return nil }
            return (.string, text, 0)
        case UInt8(ascii: "{"):
            guard depth < Self.maxDepth, let count = object(depth: depth + 1, into: scratch, from: first) else { return nil }
            return (.object, start..<index, count)
        case UInt8(ascii: "["):
            guard depth < Self.maxDepth, array(depth: depth + 1, scratch: scratch, from: first) else { return nil }
            return (.array, start..<index, 0)
        case UInt8(ascii: "t"): return literal("true") ? (.bool, start..<index, 0) : nil
        case UInt8(ascii: "f"): return literal("false") ? (.bool, start..<index, 0) : nil
        case UInt8(ascii: "n"): return literal("null") ? (.null, start..<index, 0) : nil
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return number() ? (.number, start..<index, 0) : nil
        default: return nil
        }
    }

    /// A string without escapes at `index`: its content's range and whether it is ASCII. Non-ASCII text must be
    /// valid UTF-8, as the parser requires.
    private mutating func string() -> (Range<Int>, Bool)? {
        index += 1
        let start = index
        // Eight bytes at a time while all of them are plain ASCII, straight to the first byte that is not (the
        // lowest flagged byte of a word is exact), then byte by byte from there: mostly just the closing quote.
        if let base = bytes.baseAddress {
            let raw = UnsafeRawPointer(base)
            while index + 8 <= bytes.count {
                let special = Self.special(raw.loadUnaligned(fromByteOffset: index, as: UInt64.self))
                guard special == 0 else {
                    index += special.trailingZeroBitCount / 8  // little-endian: the low byte comes first in memory
                    break
                }
                index += 8
            }
        }
        var bits: UInt8 = 0
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") {
                let range = start..<index
                index += 1
                if bits < 0x80 { return (range, true) }
                return String(validUTF8: UnsafeBufferPointer(rebasing: bytes[range])) == nil ? nil : (range, false)
            }
            if byte == UInt8(ascii: "\\") || byte < 0x20 { return nil }
            bits |= byte
            index += 1
        }
        return nil
    }

    /// Whether none of eight bytes is a quote, a backslash, a control character or outside ASCII.
    static func isPlain(_ word: UInt64) -> Bool { special(word) == 0 }

    /// The high bit of each of eight bytes (in memory order from the low end) that is a quote, a backslash, a control
    /// character or outside ASCII; exact for the first such byte, maybe not for the ones after it.
    @inline(__always)
    static func special(_ word: UInt64) -> UInt64 {
        ByteWord.below(0x20, in: word) | ByteWord.equal(to: UInt8(ascii: "\""), in: word)
            | ByteWord.equal(to: UInt8(ascii: "\\"), in: word) | ByteWord.nonASCII(in: word)
    }

    /// The same grammar as `JSONParser`'s numbers.
    private mutating func number() -> Bool {
        if bytes[index] == UInt8(ascii: "-") { index += 1 }
        guard digit() else { return false }
        if bytes[index] == UInt8(ascii: "0") {
            index += 1
        } else {
            while digit() { index += 1 }
        }
        if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
            index += 1
            guard digit() else { return false }
            while digit() { index += 1 }
        }
        if index < bytes.count, bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E") {
            index += 1
            if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") { index += 1 }
            guard digit() else { return false }
            while digit() { index += 1 }
        }
        return true
    }

    private func digit() -> Bool {
        index < bytes.count && bytes[index] &- UInt8(ascii: "0") <= 9
    }

    private mutating func literal(_ text: StaticString) -> Bool {
        let count = text.utf8CodeUnitCount
        guard index + count <= bytes.count else { return false }
        for offset in 0..<count where bytes[index + offset] != text.utf8Start[offset] { return false }
        index += count
        return true
    }

    private func equal(_ a: Range<Int>, _ b: Range<Int>) -> Bool {
        guard a.count == b.count else { return false }
        for offset in 0..<a.count where bytes[a.lowerBound + offset] != bytes[b.lowerBound + offset] { return false }
        return true
    }
}
