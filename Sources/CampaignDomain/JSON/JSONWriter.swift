/// Writes compact JSON with members in the order they are written, so output is byte-for-byte deterministic.
///
/// Hot: every job and decision is written with it, so it appends bytes directly and keeps its nesting in a bit stack.
public struct JSONWriter: Sendable {
    public private(set) var bytes: [UInt8] = []
    /// Whether the innermost open container already holds a value (the next one needs a comma).
    private var hasValue = false
    /// `hasValue` of the enclosing containers, innermost in bit 0 (the first 64 levels).
    private var enclosing: UInt64 = 0
    /// `hasValue` of enclosing containers beyond 64 levels.
    private var deepEnclosing: [Bool] = []
    private var depth = 0

    public init(reservingCapacity capacity: Int = 256) {
        bytes.reserveCapacity(capacity)
    }

    public var string: String { String(decoding: bytes, as: UTF8.self) }

    public mutating func beginObject() { separate(); bytes.append(UInt8(ascii: "{")); open() }
    public mutating func endObject() { bytes.append(UInt8(ascii: "}")); close() }
    public mutating func beginArray() { separate(); bytes.append(UInt8(ascii: "[")); open() }
    public mutating func endArray() { bytes.append(UInt8(ascii: "]")); close() }

    /// Writes a member name; the next value written is its value.
    public mutating func key(_ name: String) {
        separate()
        appendQuoted(name)
        bytes.append(UInt8(ascii: ":"))
        // The member's value follows without a comma.
        hasValue = false
    }

    public mutating func string(_ value: String) { separate(); appendQuoted(value) }
    public mutating func null() { separate(); bytes.append(contentsOf: "null".utf8) }
    public mutating func bool(_ value: Bool) { separate(); bytes.append(contentsOf: (value ? "true" : "false").utf8) }
    public mutating func int(_ value: Int) {
        separate()
        if value < 0 { bytes.append(UInt8(ascii: "-")) }
        withDecimalDigits(of: value.magnitude) { bytes.append(contentsOf: $0) }
    }
    /// Writes an already-valid JSON number text (e.g. from `JSONValue.number`).
    public mutating func rawNumber(_ text: String) { separate(); bytes.append(contentsOf: text.utf8) }
    /// Writes pre-encoded JSON as a value.
    public mutating func raw(_ json: [UInt8]) { separate(); bytes.append(contentsOf: json) }

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

    /// Writes a member name known when compiling, copied as it is: it must need no escaping.
    ///
    /// Job and decision encoding writes a dozen of these per record; skipping the escape scan halves its cost.
    public mutating func field(_ name: StaticString) {
        separate()
        bytes.append(UInt8(ascii: "\""))
        name.withUTF8Buffer { utf8 in
            assert(!utf8.contains(where: Self.needsEscaping), "field names need no escaping")
            bytes.append(contentsOf: utf8)
        }
        bytes.append(UInt8(ascii: "\""))
        bytes.append(UInt8(ascii: ":"))
        hasValue = false
    }

    /// Writes an instant as an RFC 3339 UTC string.
    public mutating func instant(_ value: Instant) {
        separate()
        bytes.append(UInt8(ascii: "\""))
        value.appendRFC3339(to: &bytes)
        bytes.append(UInt8(ascii: "\""))
    }

    /// Writes the string, or `null` when there is none.
    public mutating func string(orNull value: String?) {
        if let value { string(value) } else { null() }
    }

    public mutating func field(_ name: StaticString, _ value: String) { field(name); string(value) }
    public mutating func field(_ name: StaticString, _ value: Int) { field(name); int(value) }
    public mutating func field(_ name: StaticString, _ value: String?) { field(name); string(orNull: value) }
    public mutating func field(_ name: StaticString, _ value: Instant) { field(name); instant(value) }

    public mutating func member(_ name: String, _ value: String) { key(name); string(value) }
    public mutating func member(_ name: String, _ value: Int) { key(name); int(value) }
    public mutating func member(_ name: String, _ value: String?) { key(name); string(orNull: value) }
    public mutating func member(_ name: String, _ value: Instant) { key(name); instant(value) }

    private mutating func separate() {
        guard depth > 0 else { return }
        if hasValue {
            bytes.append(UInt8(ascii: ","))
        } else {
            hasValue = true
        }
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

    private static let hex: [UInt8] = Array("0123456789abcdef".utf8)

    /// Bytes a JSON string cannot hold as they are: control characters, `"`, `\` (and DEL, escaped for safety).
    private static func needsEscaping(_ byte: UInt8) -> Bool {
        byte < 0x20 || byte == 0x22 || byte == 0x5C || byte == 0x7F
    }

    private mutating func appendQuoted(_ string: String) {
        bytes.append(UInt8(ascii: "\""))
        // Most strings (ids, templates, names) need no escaping: copy them in one go.
        var text = string
        let copied = text.withUTF8 { utf8 in
            if utf8.contains(where: Self.needsEscaping) { return false }
            bytes.append(contentsOf: utf8)
            return true
        }
        if copied {
            bytes.append(UInt8(ascii: "\""))
            return
        }
        for byte in string.utf8 {
            switch byte {
            case UInt8(ascii: "\""): bytes.append(UInt8(ascii: "\\")); bytes.append(UInt8(ascii: "\""))
            case UInt8(ascii: "\\"): bytes.append(UInt8(ascii: "\\")); bytes.append(UInt8(ascii: "\\"))
            case 0x0A: bytes.append(UInt8(ascii: "\\")); bytes.append(UInt8(ascii: "n"))
            case 0x0D: bytes.append(UInt8(ascii: "\\")); bytes.append(UInt8(ascii: "r"))
            case 0x09: bytes.append(UInt8(ascii: "\\")); bytes.append(UInt8(ascii: "t"))
            case 0..<0x20, 0x7F:
                bytes.append(contentsOf: "\\u00".utf8)
                bytes.append(Self.hex[Int(byte >> 4)])
                bytes.append(Self.hex[Int(byte & 0xF)])
            default: bytes.append(byte)
            }
        }
        bytes.append(UInt8(ascii: "\""))
    }
}
