/// Writes compact JSON with members in the order they are written, so output is byte-for-byte deterministic.
///
/// Hot: every job and decision is written with it. It writes through the pointer of a buffer it owns (growing by
/// doubling), or of one the caller lends it until the JSON outgrows it, and keeps its nesting in a bit stack.
/// Noncopyable, so the buffer has one owner and no write needs the uniqueness check an array makes on every mutable
/// access (about twenty-five per record); `finish()` copies the JSON out into an array of its exact size.
public struct JSONWriter: ~Copyable {
    /// The JSON is `base[..<count]`; the rest, up to `capacity`, is room for what comes next.
    private var base: UnsafeMutablePointer<UInt8>
    private var capacity: Int
    private var count = 0
    /// Whether `base` was allocated here (and is freed here), rather than lent by the caller.
    private var ownsBuffer = true
    /// Whether the innermost open container already holds a value (the next one needs a comma).
    private var hasValue = false
    /// `hasValue` of the enclosing containers, innermost in bit 0 (the first 64 levels).
    private var enclosing: UInt64 = 0
    /// `hasValue` of enclosing containers beyond 64 levels.
    private var deepEnclosing: [Bool] = []
    private var depth = 0

    public init(reservingCapacity capacity: Int = 256) {
        self.capacity = max(capacity, 16)
        base = .allocate(capacity: self.capacity)
    }

    /// A writer that starts in `buffer` (say, on the caller's stack), which must outlive it, and moves to memory of its
    /// own only when the JSON outgrows it.
    ///
    /// Every job and decision is written once and copied out: writing it in a stack buffer spares an allocation each.
    init(startingIn buffer: UnsafeMutableBufferPointer<UInt8>) {
        if let start = buffer.baseAddress, buffer.count >= 16 {
            base = start
            capacity = buffer.count
            ownsBuffer = false
        } else {
            capacity = 256
            base = .allocate(capacity: capacity)
        }
    }

    deinit { if ownsBuffer { base.deallocate() } }

    /// The JSON written so far.
    public var bytes: [UInt8] { Array(UnsafeBufferPointer(start: base, count: count)) }

    /// Runs `body` with the JSON written so far in place (it must not escape `body`).
    func withWritten<Result>(_ body: (UnsafeRawBufferPointer) -> Result) -> Result {
        body(UnsafeRawBufferPointer(start: base, count: count))
    }

    /// The JSON written; the writer starts again empty, keeping its buffer for the next value.
    public mutating func finish() -> [UInt8] {
        let written = bytes
        count = 0
        hasValue = false
        enclosing = 0
        deepEnclosing = []
        depth = 0
        return written
    }

    public var string: String { String(decoding: UnsafeBufferPointer(start: base, count: count), as: UTF8.self) }

    public mutating func beginObject() { separate(); put(UInt8(ascii: "{")); open() }
    public mutating func endObject() { put(UInt8(ascii: "}")); close() }
    public mutating func beginArray() { separate(); put(UInt8(ascii: "[")); open() }
    public mutating func endArray() { put(UInt8(ascii: "]")); close() }

    /// Writes a member name; the next value written is its value.
    public mutating func key(_ name: String) {
        separate()
        appendQuoted(name)
        put(UInt8(ascii: ":"))
        // The member's value follows without a comma.
        hasValue = false
    }

    public mutating func string(_ value: String) { separate(); appendQuoted(value) }
    public mutating func null() { separate(); put("null") }
    public mutating func bool(_ value: Bool) { separate(); put(value ? "true" : "false") }
    public mutating func int(_ value: Int) {
        separate()
        if value < 0 { put(UInt8(ascii: "-")) }
        withDecimalDigits(of: value.magnitude) { put($0) }
    }
    /// Writes an already-valid JSON number text (e.g. from `JSONValue.number`).
    public mutating func rawNumber(_ text: String) { separate(); put(text) }
    /// Writes pre-encoded JSON as a value.
    public mutating func raw(_ json: [UInt8]) { json.withUnsafeBytes { raw($0) } }
    /// Writes bytes that are already JSON, as they are.
    public mutating func raw(_ json: UnsafeRawBufferPointer) { separate(); put(json) }

    public mutating func value(_ value: JSONValue) {
        switch value {
        case .null: null()
        case .bool(let b): bool(b)
        case .number(let text): rawNumber(text)
        case .string(let s): string(s)
        case .array(let elements):
            beginArray()
            for element in elements { self.value(element) }
            endArray()
        case .object(let object):
            beginObject()
            for member in object.members {
                key(member.key)
                self.value(member.value)
            }
            endObject()
        }
    }

    /// Writes pre-encoded members ending with a member name (`"a":1,"b":`) into the open object, after a comma when it
    /// holds some already; the next value written is the last member's.
    mutating func members(endingWithName json: [UInt8]) {
        separate()
        json.withUnsafeBytes { put($0) }
        hasValue = false
    }

    /// Writes pre-encoded JSON text as it is, without a separator or any change to the writer's nesting: for
    /// templates put together from fragments, whose brackets the caller balances.
    mutating func fragment(_ text: StaticString) { put(text) }

    /// Writes bytes that need no escaping (no control character, quote, backslash or DEL) as a JSON string.
    mutating func string(ascii bytes: UnsafeRawBufferPointer) {
        separate()
        assert(!Self.needsEscaping(bytes.assumingMemoryBound(to: UInt8.self)), "the bytes need no escaping")
        write(bytes.count + 2) { out in
            out[0] = UInt8(ascii: "\"")
            if let base = bytes.baseAddress { UnsafeMutableRawPointer(out + 1).copyMemory(from: base, byteCount: bytes.count) }
            out[bytes.count + 1] = UInt8(ascii: "\"")
        }
    }

    /// Writes a member name known when compiling, copied as it is: it must need no escaping.
    ///
    /// Job and decision encoding writes a dozen of these per record; skipping the escape scan halves its cost.
    public mutating func field(_ name: StaticString) {
        separate()
        let length = name.utf8CodeUnitCount
        assert(
            !UnsafeBufferPointer(start: name.utf8Start, count: length).contains(where: Self.needsEscaping),
            "field names need no escaping")
        write(length + 3) { out in
            out[0] = UInt8(ascii: "\"")
            (out + 1).update(from: name.utf8Start, count: length)
            out[length + 1] = UInt8(ascii: "\"")
            out[length + 2] = UInt8(ascii: ":")
        }
        hasValue = false
    }

    /// Writes an instant as an RFC 3339 UTC string.
    public mutating func instant(_ value: Instant) { instant(FormattedInstant(value)) }

    /// Writes an instant formatted before, as an RFC 3339 UTC string.
    mutating func instant(_ value: FormattedInstant) {
        separate()
        value.withRFC3339 { text in
            write(text.count + 2) { out in
                out[0] = UInt8(ascii: "\"")
                UnsafeMutableRawPointer(out + 1).copyMemory(from: text.baseAddress!, byteCount: text.count)
                out[text.count + 1] = UInt8(ascii: "\"")
            }
        }
    }

    /// Writes the string, or `null` when there is none.
    public mutating func string(orNull value: String?) {
        if let value { string(value) } else { null() }
    }

    public mutating func field(_ name: StaticString, _ value: String) { field(name); string(value) }
    public mutating func field(_ name: StaticString, _ value: Int) { field(name); int(value) }
    public mutating func field(_ name: StaticString, _ value: String?) { field(name); string(orNull: value) }
    public mutating func field(_ name: StaticString, _ value: Instant) { field(name); instant(value) }
    mutating func field(_ name: StaticString, _ value: FormattedInstant) { field(name); instant(value) }

    public mutating func member(_ name: String, _ value: String) { key(name); string(value) }
    public mutating func member(_ name: String, _ value: Int) { key(name); int(value) }
    public mutating func member(_ name: String, _ value: String?) { key(name); string(orNull: value) }
    public mutating func member(_ name: String, _ value: Instant) { key(name); instant(value) }

    private mutating func separate() {
        guard depth > 0 else { return }
        if hasValue {
            put(UInt8(ascii: ","))
        } else {
            hasValue = true
        }
    }

    /// Makes room for `length` bytes and lets `body` write them.
    @inline(__always)
    private mutating func write(_ length: Int, _ body: (UnsafeMutablePointer<UInt8>) -> Void) {
        if count + length > capacity { grow(toHold: count + length) }
        body(base + count)
        count += length
    }

    @inline(never)
    private mutating func grow(toHold needed: Int) {
        let grown = UnsafeMutablePointer<UInt8>.allocate(capacity: max(needed, capacity * 2))
        grown.initialize(from: base, count: count)
        if ownsBuffer { base.deallocate() }
        ownsBuffer = true
        base = grown
        capacity = max(needed, capacity * 2)
    }

    @inline(__always)
    private mutating func put(_ byte: UInt8) { write(1) { $0[0] = byte } }

    private mutating func put(_ bytes: UnsafeRawBufferPointer) {
        guard let base = bytes.baseAddress, !bytes.isEmpty else { return }
        write(bytes.count) { UnsafeMutableRawPointer($0).copyMemory(from: base, byteCount: bytes.count) }
    }

    private mutating func put(_ text: StaticString) {
        put(UnsafeRawBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount))
    }

    private mutating func put(_ text: String) {
        var text = text
        text.withUTF8 { put(UnsafeRawBufferPointer($0)) }
    }

    private mutating func open() {
        if depth < 64 {
            enclosing = enclosing << 1 | (hasValue ? 1 : 0)
        } else {
            deepEnclosing.append(hasValue)
        }
        depth += 1
        hasValue = false
    }

    private mutating func close() {
        depth -= 1
        if depth < 64 {
            hasValue = enclosing & 1 == 1
            enclosing >>= 1
        } else {
            hasValue = deepEnclosing.removeLast()
        }
    }

    /// Bytes a JSON string cannot hold as they are: control characters, `"`, `\` (and DEL, escaped for safety).
    private static func needsEscaping(_ byte: UInt8) -> Bool {
        byte < 0x20 || byte == 0x22 || byte == 0x5C || byte == 0x7F
    }

    /// Whether any byte of `text` needs escaping, eight bytes at a time (job ids alone are 36 bytes).
    static func needsEscaping(_ text: UnsafeBufferPointer<UInt8>) -> Bool {
        var index = 0
        if let base = text.baseAddress {
            let raw = UnsafeRawPointer(base)
            while index + 8 <= text.count {
                let word = raw.loadUnaligned(fromByteOffset: index, as: UInt64.self)
                // The bytes of `needsEscaping(_: UInt8)`: below 0x20, a quote, a backslash, DEL.
                let escapes = ByteWord.below(0x20, in: word) | ByteWord.equal(to: UInt8(ascii: "\""), in: word)
                    | ByteWord.equal(to: UInt8(ascii: "\\"), in: word) | ByteWord.equal(to: 0x7F, in: word)
                if escapes != 0 { return true }
                index += 8
            }
        }
        while index < text.count {
            if needsEscaping(text[index]) { return true }
            index += 1
        }
        return false
    }

    private mutating func appendQuoted(_ string: String) {
        // Most strings (ids, templates, names) need no escaping: copy them in one go. The bytes are read in place
        // (`withUTF8` on a copy of the string cost a retain and a release per string).
        let copied = string.utf8.withContiguousStorageIfAvailable { utf8 -> Bool in
            if Self.needsEscaping(utf8) { return false }
            write(utf8.count + 2) { out in
                out[0] = UInt8(ascii: "\"")
                if let base = utf8.baseAddress { (out + 1).update(from: base, count: utf8.count) }
                out[utf8.count + 1] = UInt8(ascii: "\"")
            }
            return true
        }
        if copied == true { return }
        put(UInt8(ascii: "\""))
        for byte in string.utf8 {
            switch byte {
            case UInt8(ascii: "\""): put("\\\"")
            case UInt8(ascii: "\\"): put("\\\\")
            case 0x0A: put("\\n")
            case 0x0D: put("\\r")
            case 0x09: put("\\t")
            case 0..<0x20, 0x7F:
                put("\\u00")
                put(lowercaseHexDigits.utf8Start[Int(byte >> 4)])
                put(lowercaseHexDigits.utf8Start[Int(byte & 0xF)])
            default: put(byte)
            }
        }
        put(UInt8(ascii: "\""))
    }
}
