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
            withUnsafeTemporaryAllocation(of: ScannedMember.self, capacity: 48) { members -> JSONValue? in
                guard let count = JSONScanner.members(of: 0..<buffer.count, in: buffer, into: members) else {
                    preconditionFailure("the event decoder kept data bytes that it cannot scan again")
                }
                let object = ScannedObject(bytes: buffer, members: UnsafeBufferPointer(rebasing: members[..<count]))
                var name = name
                return name.withUTF8 { utf8 in
                    object.members.first { utf8.elementsEqual(buffer[$0.name]) }.flatMap { try? object.value(of: $0) }
                }
            }
        }
    }

    var object: JSONObject {
        switch self {
        case .object(let object): return object
        case .json(let bytes):
            let value = bytes.withUnsafeBufferPointer { try? JSONParser.parse($0) }
            guard let object = value?.objectValue else {
                preconditionFailure("the event decoder kept data bytes that are not a JSON object")
            }
            return object
        }
    }
}
