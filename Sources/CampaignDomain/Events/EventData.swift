/// An event's `data` object: parsed, or the bytes the event decoder scanned it from.
///
/// Most events never need their `data` as a tree (their typed fields are decoded already), so the decoder keeps the
/// bytes, which it has checked are a JSON object, and a plan's `event.<path>` condition parses them when it reads one.
enum EventData: Sendable {
    case object(JSONObject)
    /// A JSON object, braces included, that `JSONScanner` accepted (so `JSONParser` reads it without error).
    case json(ArraySlice<UInt8>)

    /// The value at `path` (`["amount"]` for `event.amount`), nil where there is none.
    ///
    /// From bytes, only the first name's value is made: a condition on `event.amount` does not build the rest.
    func value(at path: [String]) -> JSONValue? {
        guard let first = path.first else { return .object(object) }
        var current: JSONValue
        switch self {
        case .object(let object):
            guard let value = object[first] else { return nil }
            current = value
        case .json(let bytes):
            guard let value = Self.member(first, of: bytes) else { return nil }
            current = value
        }
        for component in path.dropFirst() {
            guard let next = current.objectValue?[component] else { return nil }
            current = next
        }
        return current
    }

    /// The value of the top-level member `name` of scanned data bytes.
    private static func member(_ name: String, of bytes: ArraySlice<UInt8>) -> JSONValue? {
        bytes.withUnsafeBufferPointer { buffer in
            withUnsafeTemporaryAllocation(of: ScannedMember.self, capacity: JSONScanner.memberCapacity) { members -> JSONValue? in
                // The decoder scanned these bytes inside the envelope, one level deeper and with less room, so this
                // scan succeeds; were it ever to decline, the whole object is parsed instead.
                guard let count = JSONScanner.members(of: 0..<buffer.count, in: buffer, into: members) else {
                    return parsed(bytes)[name]
                }
                let object = ScannedObject(bytes: buffer, members: UnsafeBufferPointer(rebasing: members[..<count]))
                var name = name
                return name.withUTF8 { utf8 in
                    object.members.first { ByteWord.same(UnsafeRawBufferPointer(utf8), UnsafeRawBufferPointer(UnsafeBufferPointer(rebasing: buffer[$0.name]))) }
                        .flatMap { try? object.value(of: $0) }
                }
            }
        }
    }

    /// The whole object, parsed on every read of `.json` data (the decoder's scan keeps `ActivityEvent.data` lazy).
    var object: JSONObject {
        switch self {
        case .object(let object): return object
        case .json(let bytes): return Self.parsed(bytes)
        }
    }

    /// Data bytes as a tree. The scanner accepted them, so they parse; if they ever did not, a debug build stops and
    /// a release build reads them as an empty object rather than stopping the worker on every retry of the record.
    private static func parsed(_ bytes: ArraySlice<UInt8>) -> JSONObject {
        guard let object = bytes.withUnsafeBufferPointer({ try? JSONParser.parse($0) })?.objectValue else {
            assertionFailure("the event decoder kept data bytes that are not a JSON object")
            return JSONObject()
        }
        return object
    }
}
