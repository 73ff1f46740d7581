extension PlanReader {
    /// Parses and type-checks one audience predicate node.
    mutating func predicate(_ json: JSONValue, _ path: String, allowEventFields: Bool) -> AudiencePredicate? {
        guard let object = expectObject(json, path) else { return nil }
        if let list = object["all"] ?? object["any"] {
            let isAll = object["all"] != nil
            let key = isAll ? "all" : "any"
            checkKeys(object, path, allowed: [key])
            guard case .array(let elements) = list, !elements.isEmpty else {
                fail(path + "." + key, "must be a non-empty array of predicates")
                return nil
            }
            var children: [AudiencePredicate] = []
            for (index, element) in elements.enumerated() {
                if let child = predicate(element, "\(path).\(key)[\(index)]", allowEventFields: allowEventFields) { children.append(child) }
            }
            guard children.count == elements.count else { return nil }
            return isAll ? .all(children) : .any(children)
        }
        if let inner = object["not"] {
            checkKeys(object, path, allowed: ["not"])
            return predicate(inner, path + ".not", allowEventFields: allowEventFields).map { .not($0) }
        }
        guard let fieldValue = object["field"] else {
            fail(path, "a predicate needs \"all\", \"any\", \"not\" or \"field\" with an operator")
            return nil
        }
        guard let fieldName = fieldValue.stringValue else {
            fail(path + ".field", "must be a field name, not \(describe(fieldValue))")
            return nil
        }
        let field: AudienceField
        if fieldName.hasPrefix("event.") {
            let components = fieldName.dropFirst(6).split(separator: ".", omittingEmptySubsequences: false).map(String.init)
            guard allowEventFields else {
                fail(path + ".field", "\(quoted(fieldName)): event.<path> fields are only available inside an event trigger's where")
                return nil
            }
            guard !components.isEmpty, components.allSatisfy({ !$0.isEmpty }) else {
                fail(path + ".field", "\(quoted(fieldName)) is not a path into the event's data, e.g. event.amount or event.items.sku")
                return nil
            }
            field = .event(components)
        } else if let memberField = AudienceField(name: fieldName) {
            if allowEventFields {
                fail(path + ".field", "\(quoted(fieldName)): a where tests the event's data (event.<path>); put member fields in the plan's audience")
                return nil
            }
            field = memberField
        } else {
            fail(path + ".field", "unknown field \(quoted(fieldName)); expected tier, tags, age, enrolledDays, lastActiveDays, orderCount, lifetimeSpend, pointsBalance, homeStore, locale or consents.<channel>\(allowEventFields ? ", or event.<path> in a where" : "")")
            return nil
        }
        let operators = object.keys.filter { $0 != "field" }
        guard operators.count == 1, let op = operators.first else {
            fail(path, operators.isEmpty ? "missing an operator (\(Comparison.operatorNames.joined(separator: ", ")))" : "has several operators (\(operators.joined(separator: ", "))); use one per comparison")
            return nil
        }
        guard Comparison.operatorNames.contains(op) else {
            fail(path + "." + op, "unknown operator; expected one of \(Comparison.operatorNames.joined(separator: ", "))")
            return nil
        }
        guard let comparison = comparison(op, object[op]!, field: field, path + "." + op) else { return nil }
        return .compare(field, comparison)
    }

    private mutating func comparison(_ op: String, _ value: JSONValue, field: AudienceField, _ path: String) -> Comparison? {
        let type = field.valueType
        func mismatch() -> Comparison? {
            fail(path, "operator \(op) does not apply to \(field), which is a \(type.rawValue)")
            return nil
        }
        switch op {
        case "exists":
            guard let flag = value.boolValue else {
                fail(path, "must be true or false, not \(describe(value))")
                return nil
            }
            return .exists(flag)
        case "eq", "ne":
            guard type != .stringArray else { return mismatch() }
            if type == .any {
                guard let literal = anyScalar(value, path) else { return nil }
                return op == "eq" ? .eq(literal) : .ne(literal)
            }
            guard let literal = scalar(value, type: type, field: field, path) else { return nil }
            return op == "eq" ? .eq(literal) : .ne(literal)
        case "in", "notIn":
            guard type == .string || type == .number || type == .any else { return mismatch() }
            guard case .array(let elements) = value, !elements.isEmpty else {
                fail(path, "must be a non-empty array of values")
                return nil
            }
            var literals: [ScalarValue] = []
            for (index, element) in elements.enumerated() {
                let literal = type == .any ? anyScalar(element, "\(path)[\(index)]") : scalar(element, type: type, field: field, "\(path)[\(index)]")
                if let literal { literals.append(literal) }
            }
            guard literals.count == elements.count else { return nil }
            return op == "in" ? .in(literals) : .notIn(literals)
        case "gt", "gte", "lt", "lte":
            guard type == .number || type == .any else { return mismatch() }
            guard let bound = number(value, field: field, path) else { return nil }
            switch op {
            case "gt": return .gt(bound)
            case "gte": return .gte(bound)
            case "lt": return .lt(bound)
            default: return .lte(bound)
            }
        case "between":
            guard type == .number || type == .any else { return mismatch() }
            guard case .array(let pair) = value, pair.count == 2 else {
                fail(path, "must be a pair [low, high]")
                return nil
            }
            guard let low = number(pair[0], field: field, path + "[0]"), let high = number(pair[1], field: field, path + "[1]")
            else { return nil }
            guard low <= high else {
                fail(path, "low bound \(low) is above high bound \(high)")
                return nil
            }
            return .between(low, high)
        case "contains":
            guard type == .stringArray || type == .any else { return mismatch() }
            guard let text = value.stringValue else {
                fail(path, "must be a string, not \(describe(value))")
                return nil
            }
            return .contains(text)
        default:
            return nil
        }
    }

    private mutating func scalar(_ value: JSONValue, type: AudienceField.ValueType, field: AudienceField, _ path: String) -> ScalarValue? {
        switch type {
        case .string:
            guard let text = value.stringValue else {
                fail(path, "\(field) is a string; \(describe(value)) cannot match it")
                return nil
            }
            return .string(text)
        case .number:
            return number(value, field: field, path).map { .number($0) }
        case .boolean:
            guard let flag = value.boolValue else {
                fail(path, "\(field) is true or false; \(describe(value)) cannot match it")
                return nil
            }
            return .bool(flag)
        case .stringArray, .any:
            return nil
        }
    }

    /// A literal compared with an event field, whose type is only known at fire time.
    private mutating func anyScalar(_ value: JSONValue, _ path: String) -> ScalarValue? {
        switch value {
        case .string(let text): return .string(text)
        case .bool(let flag): return .bool(flag)
        case .number(let text):
            if let amount = DecimalAmount(text) { return .number(amount) }
            fail(path, "\(text) is not a decimal number this worker can compare exactly")
            return nil
        default:
            fail(path, "must be a string, number or boolean, not \(describe(value))")
            return nil
        }
    }

    private mutating func number(_ value: JSONValue, field: AudienceField, _ path: String) -> DecimalAmount? {
        switch value {
        case .number(let text), .string(let text):
            if let amount = DecimalAmount(text) { return amount }
            fail(path, "\(field) is a number; \(describe(value)) is not a decimal number")
            return nil
        default:
            fail(path, "\(field) is a number; \(describe(value)) cannot match it")
            return nil
        }
    }
}
