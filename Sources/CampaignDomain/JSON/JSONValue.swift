/// A parsed JSON value that keeps numbers as their exact source text.
///
/// Money and points are decimal strings or integers; keeping the text means no binary floating point ever
/// touches an amount.
public enum JSONValue: Sendable, Hashable {
    case null
    case bool(Bool)
    /// The number exactly as written in the source, e.g. `"199.00"`, `"-3"`, `"1e3"`.
    case number(String)
    case string(String)
    case array([JSONValue])
    /// Members in source order; duplicate keys are rejected by the parser.
    case object(JSONObject)

    /// The JSON type name used in error messages ("string", "number", ...).
    public var typeName: String {
        switch self {
        case .null: "null"
        case .bool: "boolean"
        case .number: "number"
        case .string: "string"
        case .array: "array"
        case .object: "object"
        }
    }

    public var stringValue: String? { if case .string(let s) = self { s } else { nil } }
    public var objectValue: JSONObject? { if case .object(let o) = self { o } else { nil } }
    public var arrayValue: [JSONValue]? { if case .array(let a) = self { a } else { nil } }
    public var boolValue: Bool? { if case .bool(let b) = self { b } else { nil } }
    public var isNull: Bool { if case .null = self { true } else { false } }

    /// An integer value, from a JSON number without fraction or exponent.
    public var intValue: Int? {
        guard case .number(let text) = self else { return nil }
        return Int(text)
    }
}

/// A JSON object with members in source order and lookup by key.
public struct JSONObject: Sendable, Hashable {
    public private(set) var members: [(key: String, value: JSONValue)]

    public init(_ members: [(key: String, value: JSONValue)] = []) {
        self.members = members
    }

    public subscript(key: String) -> JSONValue? {
        for member in members where member.key.isSameText(as: key) { return member.value }
        return nil
    }

    /// An empty object with room for `capacity` members.
    public init(reservingCapacity capacity: Int) {
        members = []
        members.reserveCapacity(capacity)
    }

    public var keys: [String] { members.map(\.key) }

    public mutating func append(_ key: String, _ value: JSONValue) {
        members.append((key, value))
    }

    public static func == (lhs: JSONObject, rhs: JSONObject) -> Bool {
        lhs.members.count == rhs.members.count
            && zip(lhs.members, rhs.members).allSatisfy { $0.key == $1.key && $0.value == $1.value }
    }

    public func hash(into hasher: inout Hasher) {
        for member in members {
            hasher.combine(member.key)
            hasher.combine(member.value)
        }
    }
}
