/// The members of an object that `JSONScanner` read, looked up by name, with values made on demand.
struct ScannedObject: PayloadSource {
    /// The input the members' offsets point into.
    let bytes: UnsafeBufferPointer<UInt8>
    /// The object's members, in source order.
    let members: UnsafeBufferPointer<ScannedMember>

    /// The member called `name` (names are unique: the scanner declines objects with duplicates).
    func member(_ name: StaticString) -> ScannedMember? {
        for member in members where self.member(member, isNamed: name) { return member }
        return nil
    }

    func member(_ member: ScannedMember, isNamed name: StaticString) -> Bool {
        guard member.name.count == name.utf8CodeUnitCount else { return false }
        let text = name.utf8Start
        let start = member.name.lowerBound
        for offset in 0..<member.name.count where bytes[start + offset] != text[offset] { return false }
        return true
    }

    /// Whether `member` is this object's last (its nested members, if any, are then right after this object's).
    func isLast(_ member: ScannedMember) -> Bool {
        members.last?.name == member.name
    }

    /// A string or number member's text.
    func text(_ member: ScannedMember) -> String {
        String(decoding: UnsafeBufferPointer(rebasing: bytes[member.value]), as: UTF8.self)
    }

    /// A non-empty string member's text; nil when it is missing, empty or not a string.
    func nonEmptyString(_ member: ScannedMember?) -> String? {
        guard let member, member.kind == .string, !member.value.isEmpty else { return nil }
        return text(member)
    }

    func value(of name: StaticString) throws(DeadLetterReason) -> JSONValue? {
        guard let member = member(name) else { return nil }
        return try value(of: member)
    }

    /// One member's value as the parser would have made it.
    func value(of member: ScannedMember) throws(DeadLetterReason) -> JSONValue {
        switch member.kind {
        case .string: return .string(text(member))
        case .number: return .number(text(member))
        case .bool: return .bool(bytes[member.value.lowerBound] == UInt8(ascii: "t"))
        case .null: return .null
        case .array, .object:
            do {
                return try JSONParser.parse(UnsafeBufferPointer(rebasing: bytes[member.value]))
            } catch {
                throw DeadLetterReason(.invalidJSON, "a scanned value did not parse: \(error.description)")
            }
        }
    }
}
