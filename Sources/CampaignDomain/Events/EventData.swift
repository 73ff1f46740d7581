/// An event's `data` object: parsed, or the bytes the event decoder scanned it from.
///
/// Most events never need their `data` as a tree (their typed fields are decoded already), so the decoder keeps the
/// bytes, which it has checked are a JSON object, and a plan's `event.<path>` condition parses them when it reads one.
enum EventData: Sendable {
    case object(JSONObject)
    /// A JSON object, braces included, that `JSONScanner` accepted (so `JSONParser` reads it without error).
    case json(ArraySlice<UInt8>)

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
