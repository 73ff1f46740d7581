/// A notification job's `params`: the plan's own, then the facts a template typically shows that the plan did not set.
///
/// Kept as the plan's object plus the facts, written one after the other, rather than a merged object: merging copied
/// the plan's object and grew it for every notification, two or three allocations each.
struct NotificationParams {
    /// A fact's value, written as a JSON string.
    enum Value {
        case text(String)
        case integer(Int64)
        case instant(Instant)
    }

    /// The plan's params.
    let base: JSONObject
    /// The facts, in order, at most four (no occurrence has more); the first `count` are set.
    private var facts: (Fact?, Fact?, Fact?, Fact?) = (nil, nil, nil, nil)
    private(set) var count = 0

    struct Fact {
        let key: StaticString
        let value: Value
    }

    init(_ base: JSONObject) { self.base = base }

    /// Adds a fact unless the plan's params or an earlier fact have its key.
    mutating func add(_ key: StaticString, _ value: Value) {
        // Fact keys are distinct literals: an earlier fact with the key is the same literal.
        guard !(0..<count).contains(where: { fact(at: $0).key.utf8Start == key.utf8Start }) else { return }
        if !base.members.isEmpty, base[key.withUTF8Buffer { String(decoding: $0, as: UTF8.self) }] != nil { return }
        switch count {
        case 0: facts.0 = Fact(key: key, value: value)
        case 1: facts.1 = Fact(key: key, value: value)
        case 2: facts.2 = Fact(key: key, value: value)
        case 3: facts.3 = Fact(key: key, value: value)
        default: preconditionFailure("a notification has at most four facts")
        }
        count += 1
    }

    func fact(at index: Int) -> Fact {
        switch index {
        case 0: facts.0!
        case 1: facts.1!
        case 2: facts.2!
        default: facts.3!
        }
    }

    /// The params as one object (what a held notification keeps).
    var object: JSONObject {
        var object = base
        for index in 0..<count {
            let fact = fact(at: index)
            object.append(fact.key.withUTF8Buffer { String(decoding: $0, as: UTF8.self) }, .string(fact.value.text))
        }
        return object
    }
}

extension NotificationParams.Value {
    /// The value as the string the job carries.
    var text: String {
        switch self {
        case .text(let text): text
        case .integer(let value): String(value)
        case .instant(let instant): instant.rfc3339
        }
    }
}

extension JSONWriter {
    /// Writes the params as one object: the plan's members, then the facts.
    mutating func value(_ params: NotificationParams) {
        beginObject()
        for member in params.base.members {
            key(member.key)
            value(member.value)
        }
        for index in 0..<params.count {
            let fact = params.fact(at: index)
            field(fact.key)
            switch fact.value {
            case .text(let text): string(text)
            case .integer(let value) where value >= 0: withDecimalDigits(of: UInt(value)) { string(ascii: $0) }
            case .integer(let value): string(String(value))
            case .instant(let instant): self.instant(instant)
            }
        }
        endObject()
    }
}
