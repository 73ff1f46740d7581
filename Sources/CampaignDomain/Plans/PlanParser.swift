/// Reads plans from JSON and validates every field, collecting all errors with their JSON paths.
///
/// A source holds one plan object or an array of plans (CONTRACT §3). Unknown fields and operators, type mismatches
/// against audience fields, impossible local times, bad durations and unknown channels are all load-time errors.
public struct PlanParser: Sendable {
    /// The programme's tiers; when given, tiers named in a plan must be among them.
    public var knownTiers: [String]?

    public init(knownTiers: [String]? = nil) {
        self.knownTiers = knownTiers
    }

    /// Parses every plan in `bytes`; plans with errors are left out and their errors returned.
    public func parse(_ bytes: [UInt8], source: String) -> (plans: [Plan], errors: [PlanError]) {
        let entries = parseEntries(bytes, source: source)
        return (entries.compactMap(\.plan), entries.flatMap(\.errors))
    }

    /// One plan entry of a source: the plan when valid, else its errors and, when readable, the id it claims.
    public struct Entry: Sendable {
        /// The entry's `id` when it is a non-empty string, even if the plan is invalid.
        public var id: String?
        public var plan: Plan?
        public var errors: [PlanError]
    }

    /// Parses each entry of `bytes` separately, so a caller can keep the previous version of an invalid plan.
    ///
    /// Malformed JSON gives a single entry without an id.
    public func parseEntries(_ bytes: [UInt8], source: String) -> [Entry] {
        let json: JSONValue
        do {
            json = try JSONParser.parse(bytes)
        } catch {
            return [Entry(id: nil, plan: nil, errors: [PlanError(source: source, path: "$", reason: error.description)])]
        }
        let elements: [(JSONValue, String)]
        if case .array(let array) = json {
            elements = array.enumerated().map { ($1, "$[\($0)]") }
        } else {
            elements = [(json, "$")]
        }
        return elements.map { element, path in
            var reader = PlanReader(source: source, knownTiers: knownTiers)
            let plan = reader.plan(element, path: path)
            let id = element.objectValue?["id"]?.stringValue.flatMap { $0.isEmpty ? nil : $0 }
            return Entry(id: id, plan: plan, errors: reader.errors)
        }
    }
}

/// Walks one plan's JSON, recording an error for everything wrong instead of stopping at the first.
struct PlanReader {
    let source: String
    let knownTiers: [String]?
    var errors: [PlanError] = []

    init(source: String, knownTiers: [String]?) {
        self.source = source
        self.knownTiers = knownTiers
    }

    mutating func fail(_ path: String, _ reason: String) {
        errors.append(PlanError(source: source, path: path, reason: reason))
    }

    mutating func plan(_ json: JSONValue, path: String) -> Plan? {
        guard let object = expectObject(json, path) else { return nil }
        let errorsBefore = errors.count
        checkKeys(
            object, path,
            allowed: ["id", "version", "name", "description", "status", "trigger", "audience", "actions", "schedule", "limits",
                      "holdoutPercent", "category"])
        let id = requiredString(object, "id", path)
        if let id, id.isEmpty { fail(path + ".id", "must not be empty") }
        // The id goes into the plan-id header of every job and into metric labels: no control characters there.
        if let id, id.unicodeScalars.contains(where: { $0.value < 0x20 || (0x7F...0x9F).contains($0.value) || $0.value == 0x2028 || $0.value == 0x2029 }) {
            fail(path + ".id", "must not contain control characters or line separators")
        }
        let version = optionalInt(object, "version", path, min: 0) ?? 1
        let name = optionalString(object, "name", path)
        _ = optionalString(object, "description", path)
        var status = Plan.Status.active
        if let text = optionalString(object, "status", path) {
            if let parsed = Plan.Status(rawValue: text) {
                status = parsed
            } else {
                fail(path + ".status", "must be \"active\", \"paused\" or \"draft\", not \(quoted(text))")
            }
        }
        var category = Plan.Category.marketing
        if let text = optionalString(object, "category", path) {
            if let parsed = Plan.Category(rawValue: text) {
                category = parsed
            } else {
                fail(path + ".category", "must be \"marketing\" or \"transactional\", not \(quoted(text))")
            }
        }
        var trigger: Trigger?
        if let value = object["trigger"] {
            trigger = self.trigger(value, path + ".trigger")
        } else {
            fail(path, "missing required field \"trigger\"")
        }
        var audience: AudiencePredicate?
        if let value = object["audience"], !value.isNull { audience = predicate(value, path + ".audience", allowEventFields: false) }
        var actions: [PlanAction] = []
        if let value = object["actions"] {
            actions = self.actions(value, path + ".actions")
        } else {
            fail(path, "missing required field \"actions\"")
        }
        let schedule = object["schedule"].flatMap { $0.isNull ? nil : self.schedule($0, path + ".schedule") } ?? Plan.Schedule()
        let limits = object["limits"].flatMap { $0.isNull ? nil : self.limits($0, path + ".limits") } ?? Plan.Limits()
        var holdout = 0
        if let value = object["holdoutPercent"], !value.isNull {
            holdout = holdoutBasisPoints(value, path + ".holdoutPercent") ?? 0
        }
        guard errors.count == errorsBefore, let id, let trigger else { return nil }
        return Plan(
            id: id, version: version, name: name, status: status, trigger: trigger, audience: audience, actions: actions,
            schedule: schedule, limits: limits, holdoutBasisPoints: holdout, category: category)
    }

    // MARK: Triggers

    mutating func trigger(_ json: JSONValue, _ path: String) -> Trigger? {
        guard let object = expectObject(json, path) else { return nil }
        guard let type = requiredString(object, "type", path) else { return nil }
        switch type {
        case "birthday":
            checkKeys(object, path, allowed: ["type", "offsetDays", "at", "leapDay"])
            let offset = optionalInt(object, "offsetDays", path, min: -366, max: 366) ?? 0
            let at = localTime(object, "at", path) ?? LocalTime(hour: 9, minute: 0)
            let leapDay = leapDayRule(object, path)
            return .birthday(BirthdayTrigger(offsetDays: offset, at: at, leapDay: leapDay))
        case "dormancy":
            checkKeys(object, path, allowed: ["type", "inactiveDays", "at"])
            let days = dayLadder(object, "inactiveDays", path)
            let at = localTime(object, "at", path) ?? LocalTime(hour: 9, minute: 0)
            guard let days else { return nil }
            return .dormancy(DormancyTrigger(inactiveDays: days, at: at))
        case "pointsExpiring":
            checkKeys(object, path, allowed: ["type", "withinDays", "minPoints", "at"])
            let days = dayLadder(object, "withinDays", path)
            let minPoints = optionalInt(object, "minPoints", path, min: 1) ?? 1
            let at = localTime(object, "at", path) ?? LocalTime(hour: 9, minute: 0)
            guard let days else { return nil }
            return .pointsExpiring(PointsExpiringTrigger(withinDays: days, minPoints: Int64(minPoints), at: at))
        default:
            return otherTrigger(type: type, object, path)
        }
    }

    /// A positive count or a ladder of them (`30` or `[30, 60, 90]`), distinct.
    mutating func dayLadder(_ object: JSONObject, _ key: String, _ path: String, unit: String = "days", maximum: Int = 3660) -> [Int]? {
        guard let value = object[key] else {
            fail(path, "missing required field \"\(key)\"")
            return nil
        }
        let elements: [(JSONValue, String)]
        if case .array(let array) = value {
            guard !array.isEmpty else {
                fail(path + "." + key, "must list at least one number of \(unit)")
                return nil
            }
            elements = array.enumerated().map { ($1, "\(path).\(key)[\($0)]") }
        } else {
            elements = [(value, path + "." + key)]
        }
        var days: [Int] = []
        for (element, elementPath) in elements {
            guard let n = element.intValue else {
                fail(elementPath, "must be a whole number of \(unit), not \(describe(element))")
                continue
            }
            guard n >= 1, n <= maximum else {
                fail(elementPath, "must be between 1 and \(maximum) \(unit), not \(n)")
                continue
            }
            guard !days.contains(n) else {
                fail(elementPath, "\(n) \(unit) is listed twice")
                continue
            }
            days.append(n)
        }
        return days.count == elements.count ? days : nil
    }

    // MARK: Actions

    mutating func actions(_ json: JSONValue, _ path: String) -> [PlanAction] {
        guard case .array(let elements) = json else {
            fail(path, "must be an array of actions, not \(describe(json))")
            return []
        }
        if elements.isEmpty { fail(path, "must list at least one action") }
        var result: [PlanAction] = []
        for (index, element) in elements.enumerated() {
            let elementPath = "\(path)[\(index)]"
            guard let object = expectObject(element, elementPath), let type = requiredString(object, "type", elementPath)
            else { continue }
            switch type {
            case "coupon":
                checkKeys(object, elementPath, allowed: ["type", "template", "validDays", "validUntil", "params"])
                let template = requiredString(object, "template", elementPath)
                let params = paramsObject(object, elementPath)
                var validity: CouponAction.Validity?
                switch (object["validDays"], object["validUntil"]) {
                case (.some, .some):
                    fail(elementPath, "give either \"validDays\" or \"validUntil\", not both")
                case (.some, .none):
                    validity = optionalInt(object, "validDays", elementPath, min: 1, max: 3660).map { .days($0) }
                case (.none, .some):
                    validity = instant(object, "validUntil", elementPath).map { .until($0) }
                case (.none, .none):
                    fail(elementPath, "a coupon needs \"validDays\" or \"validUntil\"")
                }
                if let template, let validity {
                    result.append(.coupon(CouponAction(template: template, validity: validity, params: params)))
                }
            case "notify":
                checkKeys(object, elementPath, allowed: ["type", "channels", "template", "params"])
                let template = requiredString(object, "template", elementPath)
                let params = paramsObject(object, elementPath)
                let channels = self.channels(object, elementPath)
                if let template, let channels {
                    result.append(.notify(NotifyAction(channels: channels, template: template, params: params)))
                }
            default:
                fail(elementPath + ".type", "unknown action type \(quoted(type)); expected \"coupon\" or \"notify\"")
            }
        }
        return result
    }

    mutating func channels(_ object: JSONObject, _ path: String) -> [Channel]? {
        guard let value = object["channels"] else {
            fail(path, "missing required field \"channels\"")
            return nil
        }
        guard case .array(let elements) = value, !elements.isEmpty else {
            fail(path + ".channels", "must be a non-empty array of channel names")
            return nil
        }
        var channels: [Channel] = []
        for (index, element) in elements.enumerated() {
            let elementPath = "\(path).channels[\(index)]"
            guard let name = element.stringValue else {
                fail(elementPath, "must be a channel name, not \(describe(element))")
                continue
            }
            guard let channel = Channel(rawValue: name) else {
                fail(elementPath, "unknown channel \(quoted(name)); expected one of sms, email, push, wechat, inbox")
                continue
            }
            if channels.contains(channel) {
                fail(elementPath, "channel \(quoted(name)) is listed twice")
                continue
            }
            channels.append(channel)
        }
        return channels.count == elements.count ? channels : nil
    }

    mutating func paramsObject(_ object: JSONObject, _ path: String) -> JSONObject {
        guard let value = object["params"], !value.isNull else { return JSONObject() }
        guard case .object(let params) = value else {
            fail(path + ".params", "must be an object, not \(describe(value))")
            return JSONObject()
        }
        return params
    }

    // MARK: Schedule, limits, holdout

    mutating func schedule(_ json: JSONValue, _ path: String) -> Plan.Schedule? {
        guard let object = expectObject(json, path) else { return nil }
        checkKeys(object, path, allowed: ["startsAt", "endsAt", "quietHours"])
        var schedule = Plan.Schedule(startsAt: instant(object, "startsAt", path), endsAt: instant(object, "endsAt", path))
        if let value = object["quietHours"], !value.isNull, let quiet = expectObject(value, path + ".quietHours") {
            let quietPath = path + ".quietHours"
            checkKeys(quiet, quietPath, allowed: ["from", "to"])
            let from = localTime(quiet, "from", quietPath)
            let to = localTime(quiet, "to", quietPath)
            if quiet["from"] == nil || quiet["to"] == nil { fail(quietPath, "quiet hours need \"from\" and \"to\", e.g. {\"from\":\"21:00\",\"to\":\"09:00\"}") }
            if let from, let to {
                if from == to {
                    fail(quietPath, "\"from\" and \"to\" are equal, which leaves no quiet hours; remove quietHours or widen them")
                } else {
                    schedule.quietHours = QuietHours(from: from, to: to)
                }
            }
        }
        if let start = schedule.startsAt, let end = schedule.endsAt, end <= start {
            fail(path + ".endsAt", "must be after startsAt")
        }
        return schedule
    }

    mutating func limits(_ json: JSONValue, _ path: String) -> Plan.Limits? {
        guard let object = expectObject(json, path) else { return nil }
        checkKeys(object, path, allowed: ["perMember", "totalCoupons"])
        var limits = Plan.Limits()
        if let value = object["totalCoupons"], !value.isNull {
            if let total = value.intValue, total >= 0 { limits.totalCoupons = total } else { fail(path + ".totalCoupons", "must be a whole number of coupons, 0 or more, not \(describe(value))") }
        }
        if let value = object["perMember"], !value.isNull {
            let perMemberPath = path + ".perMember"
            guard let perMember = expectObject(value, perMemberPath) else { return limits }
            checkKeys(perMember, perMemberPath, allowed: ["count", "within"])
            let count = perMember["count"] == nil ? nil : optionalInt(perMember, "count", perMemberPath, min: 1)
            if perMember["count"] == nil { fail(perMemberPath, "missing required field \"count\"") }
            let within = duration(perMember, "within", perMemberPath)
            if perMember["within"] == nil { fail(perMemberPath, "missing required field \"within\"") }
            if let count, let within { limits.perMember = .init(count: count, within: within) }
        }
        return limits
    }

    mutating func holdoutBasisPoints(_ value: JSONValue, _ path: String) -> Int? {
        guard case .number(let text) = value, let amount = DecimalAmount(text) else {
            fail(path, "must be a number from 0 to 100, not \(describe(value))")
            return nil
        }
        guard amount >= .zero, amount <= DecimalAmount(integer: 100) else {
            fail(path, "must be from 0 to 100, not \(text)")
            return nil
        }
        guard amount.micros % 10_000 == 0 else {
            fail(path, "may have at most two decimals, not \(text)")
            return nil
        }
        return Int(amount.micros / 10_000)
    }

    // MARK: Field helpers

    mutating func expectObject(_ json: JSONValue, _ path: String) -> JSONObject? {
        guard case .object(let object) = json else {
            fail(path, "must be an object, not \(describe(json))")
            return nil
        }
        return object
    }

    mutating func checkKeys(_ object: JSONObject, _ path: String, allowed: [String]) {
        for key in object.keys where !allowed.contains(key) {
            fail(path + "." + key, "unknown field; expected one of \(allowed.joined(separator: ", "))")
        }
    }

    mutating func requiredString(_ object: JSONObject, _ key: String, _ path: String) -> String? {
        guard let value = object[key], !value.isNull else {
            fail(path, "missing required field \"\(key)\"")
            return nil
        }
        guard let text = value.stringValue else {
            fail(path + "." + key, "must be a string, not \(describe(value))")
            return nil
        }
        return text
    }

    mutating func optionalString(_ object: JSONObject, _ key: String, _ path: String) -> String? {
        guard let value = object[key], !value.isNull else { return nil }
        guard let text = value.stringValue else {
            fail(path + "." + key, "must be a string, not \(describe(value))")
            return nil
        }
        return text
    }

    mutating func optionalInt(_ object: JSONObject, _ key: String, _ path: String, min: Int? = nil, max: Int? = nil) -> Int? {
        guard let value = object[key], !value.isNull else { return nil }
        guard let n = value.intValue else {
            fail(path + "." + key, "must be a whole number, not \(describe(value))")
            return nil
        }
        if let min, n < min {
            fail(path + "." + key, "must be at least \(min), not \(n)")
            return nil
        }
        if let max, n > max {
            fail(path + "." + key, "must be at most \(max), not \(n)")
            return nil
        }
        return n
    }

    mutating func localTime(_ object: JSONObject, _ key: String, _ path: String) -> LocalTime? {
        guard let text = optionalString(object, key, path) else { return nil }
        guard let time = LocalTime(text: text) else {
            fail(path + "." + key, "must be a local time HH:MM between 00:00 and 23:59, not \(quoted(text))")
            return nil
        }
        return time
    }

    mutating func instant(_ object: JSONObject, _ key: String, _ path: String) -> Instant? {
        guard let text = optionalString(object, key, path) else { return nil }
        guard let instant = Instant(rfc3339: text) else {
            fail(path + "." + key, "must be an RFC 3339 date-time with an offset such as 2026-01-01T00:00:00+08:00, not \(quoted(text))")
            return nil
        }
        return instant
    }

    mutating func duration(_ object: JSONObject, _ key: String, _ path: String) -> ISODuration? {
        guard let text = optionalString(object, key, path) else { return nil }
        guard let duration = ISODuration(text), duration.approximateSeconds > 0 else {
            fail(path + "." + key, "must be an ISO 8601 duration such as P30D or PT6H, not \(quoted(text))")
            return nil
        }
        return duration
    }

    func describe(_ value: JSONValue) -> String {
        switch value {
        case .string(let s): "the string \(quoted(s))"
        case .number(let n): "the number \(n)"
        case .bool(let b): "\(b)"
        case .null: "null"
        case .array: "an array"
        case .object: "an object"
        }
    }
}
