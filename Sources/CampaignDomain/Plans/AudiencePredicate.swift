/// The audience predicate tree of CONTRACT §3: `all`, `any`, `not`, or a comparison on one member field.
public indirect enum AudiencePredicate: Sendable, Hashable {
    case all([AudiencePredicate])
    case any([AudiencePredicate])
    case not(AudiencePredicate)
    case compare(AudienceField, Comparison)
}

/// A member field an audience can test, with the type its comparisons are checked against at load.
public enum AudienceField: Sendable, Hashable, CustomStringConvertible {
    case tier, tags, age, enrolledDays, lastActiveDays, orderCount, lifetimeSpend, pointsBalance, homeStore, locale
    case consent(Channel)
    /// `event.<path>` inside an event trigger's `where`: a value in the event's `data`, of whatever type it has.
    case event([String])

    public enum ValueType: String, Sendable { case string, number, stringArray = "array of strings", boolean, any = "event field" }

    public var valueType: ValueType {
        switch self {
        case .tier, .homeStore, .locale: .string
        case .tags: .stringArray
        case .age, .enrolledDays, .lastActiveDays, .orderCount, .lifetimeSpend, .pointsBalance: .number
        case .consent: .boolean
        case .event: .any
        }
    }

    public init?(name: String) {
        switch name {
        case "tier": self = .tier
        case "tags": self = .tags
        case "age": self = .age
        case "enrolledDays": self = .enrolledDays
        case "lastActiveDays": self = .lastActiveDays
        case "orderCount": self = .orderCount
        case "lifetimeSpend": self = .lifetimeSpend
        case "pointsBalance": self = .pointsBalance
        case "homeStore": self = .homeStore
        case "locale": self = .locale
        default:
            guard name.hasPrefix("consents."), let channel = Channel(rawValue: String(name.dropFirst(9))) else { return nil }
            self = .consent(channel)
        }
    }

    public var description: String {
        switch self {
        case .tier: "tier"
        case .tags: "tags"
        case .age: "age"
        case .enrolledDays: "enrolledDays"
        case .lastActiveDays: "lastActiveDays"
        case .orderCount: "orderCount"
        case .lifetimeSpend: "lifetimeSpend"
        case .pointsBalance: "pointsBalance"
        case .homeStore: "homeStore"
        case .locale: "locale"
        case .consent(let channel): "consents.\(channel.rawValue)"
        case .event(let path): "event." + path.joined(separator: ".")
        }
    }
}

/// A comparison operator with its operand(s), already type-checked against the field.
public enum Comparison: Sendable, Hashable {
    case eq(ScalarValue)
    case ne(ScalarValue)
    case `in`([ScalarValue])
    case notIn([ScalarValue])
    case gt(DecimalAmount)
    case gte(DecimalAmount)
    case lt(DecimalAmount)
    case lte(DecimalAmount)
    case between(DecimalAmount, DecimalAmount)
    case contains(String)
    case exists(Bool)

    public static let operatorNames = ["eq", "ne", "in", "notIn", "gt", "gte", "lt", "lte", "between", "contains", "exists"]
}

/// A literal in a predicate.
public enum ScalarValue: Sendable, Hashable {
    case string(String)
    case number(DecimalAmount)
    case bool(Bool)
}

/// A member field's value at evaluation time.
public enum FieldValue: Sendable, Hashable {
    case string(String)
    case number(DecimalAmount)
    case strings([String])
    case bool(Bool)
}

extension AudiencePredicate {
    /// Evaluates the predicate for `member` with `today` as the member-local date of the firing.
    ///
    /// A missing field (no birthday year for `age`, no enrolment for `enrolledDays`) fails every comparison except
    /// `ne`, `notIn` and `exists: false`.
    public func matches(_ member: MemberState, today: LocalDate, zone: Zone, event: JSONObject? = nil) -> Bool {
        matches(member, today: today, zone: zone, data: event.map(EventData.object))
    }

    /// `matches` with the event's data as the decoder kept it, so that a condition reads only the fields it names.
    func matches(_ member: MemberState, today: LocalDate, zone: Zone, data: EventData?) -> Bool {
        switch self {
        case .all(let predicates):
            return predicates.allSatisfy { $0.matches(member, today: today, zone: zone, data: data) }
        case .any(let predicates):
            return predicates.contains { $0.matches(member, today: today, zone: zone, data: data) }
        case .not(let predicate): return !predicate.matches(member, today: today, zone: zone, data: data)
        case .compare(.tags, .contains(let tag)):
            // Read in the member's packed tags: the tag list as strings was an array and a string per tag, for each
            // member each time the plan was evaluated.
            return member.hasTag(tag)
        case .compare(let field, let comparison):
            return comparison.matches(field.value(of: member, today: today, zone: zone, event: data))
        }
    }
}

extension AudienceField {
    func value(of member: MemberState, today: LocalDate, zone: Zone, event: EventData?) -> FieldValue? {
        switch self {
        case .event(let path):
            guard let current = event?.value(at: path) else { return nil }
            switch current {
            case .string(let text): return .string(text)
            case .number(let text): return DecimalAmount(text).map(FieldValue.number)
            case .bool(let flag): return .bool(flag)
            case .array(let elements):
                let strings = elements.compactMap(\.stringValue)
                return strings.count == elements.count ? .strings(strings) : nil
            case .null, .object: return nil
            }
        case .tier: return member.tier.map(FieldValue.string)
        case .tags: return .strings(member.tags)
        case .age: return member.birthday?.age(on: today).map { .number(DecimalAmount(integer: Int64($0))) }
        case .enrolledDays:
            return member.enrolledAt.map { .number(DecimalAmount(integer: Int64(zone.localDate(of: $0).days(until: today)))) }
        case .lastActiveDays:
            return member.lastActivity.map { .number(DecimalAmount(integer: Int64(zone.localDate(of: $0).days(until: today)))) }
        case .orderCount: return .number(DecimalAmount(integer: Int64(member.orderCount)))
        case .lifetimeSpend: return .number(member.lifetimeSpend)
        case .pointsBalance: return .number(DecimalAmount(integer: member.points.balance))
        case .homeStore: return member.homeStore.map(FieldValue.string)
        case .locale: return member.locale.map(FieldValue.string)
        case .consent(let channel): return member.consents[channel].map(FieldValue.bool)
        }
    }
}

extension Comparison {
    func matches(_ value: FieldValue?) -> Bool {
        guard let value else {
            switch self {
            case .ne, .notIn: return true
            case .exists(let expected): return !expected
            default: return false
            }
        }
        switch self {
        case .eq(let literal): return Self.equal(value, literal)
        case .ne(let literal): return !Self.equal(value, literal)
        case .in(let literals): return literals.contains { Self.equal(value, $0) }
        case .notIn(let literals): return !literals.contains { Self.equal(value, $0) }
        case .gt(let bound): return Self.number(value).map { $0 > bound } ?? false
        case .gte(let bound): return Self.number(value).map { $0 >= bound } ?? false
        case .lt(let bound): return Self.number(value).map { $0 < bound } ?? false
        case .lte(let bound): return Self.number(value).map { $0 <= bound } ?? false
        case .between(let low, let high): return Self.number(value).map { $0 >= low && $0 <= high } ?? false
        case .contains(let element):
            if case .strings(let elements) = value { return elements.contains(element) }
            return false
        case .exists(let expected): return expected
        }
    }

    private static func number(_ value: FieldValue) -> DecimalAmount? {
        switch value {
        case .number(let n): n
        case .string(let s): DecimalAmount(s)
        default: nil
        }
    }

    private static func equal(_ value: FieldValue, _ literal: ScalarValue) -> Bool {
        switch (value, literal) {
        case (.string(let a), .string(let b)): a == b
        case (.bool(let a), .bool(let b)): a == b
        case (.number(let a), .number(let b)): a == b
        case (.string(let a), .number(let b)): DecimalAmount(a) == b
        case (.number(let a), .string(let b)): DecimalAmount(b) == a
        default: false
        }
    }
}
