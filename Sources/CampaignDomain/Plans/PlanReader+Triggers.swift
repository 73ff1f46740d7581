extension PlanReader {
    /// The triggers beyond the three time triggers of the first release.
    mutating func otherTrigger(type: String, _ object: JSONObject, _ path: String) -> Trigger? {
        switch type {
        case "anniversary":
            checkKeys(object, path, allowed: ["type", "years", "at", "leapDay"])
            var years: [Int]?
            if object["years"] != nil { years = dayLadder(object, "years", path, unit: "years", maximum: 200) }
            let at = localTime(object, "at", path) ?? LocalTime(hour: 9, minute: 0)
            let leapDay = leapDayRule(object, path)
            if object["years"] != nil, years == nil { return nil }
            return .anniversary(AnniversaryTrigger(years: years, at: at, leapDay: leapDay))
        case "enrolled":
            checkKeys(object, path, allowed: ["type", "delay"])
            guard let text = optionalString(object, "delay", path) else {
                if object["delay"] == nil { fail(path, "missing required field \"delay\" (an ISO 8601 duration such as PT0S or P3D)") }
                return nil
            }
            guard let delay = ISODuration(text) else {
                fail(path + ".delay", "must be an ISO 8601 duration such as PT0S, PT2H or P3D, not \(quoted(text))")
                return nil
            }
            return .enrolled(EnrolledTrigger(delay: delay))
        case "firstPurchase":
            checkKeys(object, path, allowed: ["type"])
            return .firstPurchase
        case "tierChanged":
            checkKeys(object, path, allowed: ["type", "direction", "to"])
            var direction = TierChangedTrigger.Direction.any
            if let text = optionalString(object, "direction", path) {
                if let parsed = TierChangedTrigger.Direction(rawValue: text) {
                    direction = parsed
                } else {
                    fail(path + ".direction", "must be \"up\", \"down\" or \"any\", not \(quoted(text))")
                }
            }
            var to: [String]?
            if let value = object["to"], !value.isNull {
                to = tierList(value, path + ".to")
                if to == nil { return nil }
            }
            return .tierChanged(TierChangedTrigger(direction: direction, to: to))
        case "spendThreshold":
            checkKeys(object, path, allowed: ["type", "amount", "period"])
            var amount: DecimalAmount?
            switch object["amount"] {
            case .some(.number(let text)), .some(.string(let text)):
                amount = DecimalAmount(text)
                if amount == nil || amount! <= .zero { fail(path + ".amount", "must be a positive decimal amount such as 5000 or \"5000.00\", not \(text)") }
            case .some(let other):
                fail(path + ".amount", "must be a positive decimal amount, not \(describe(other))")
            case .none:
                fail(path, "missing required field \"amount\"")
            }
            var period: SpendThresholdTrigger.Period?
            if let text = requiredString(object, "period", path) {
                period = SpendThresholdTrigger.Period(rawValue: text)
                if period == nil { fail(path + ".period", "must be \"calendarYear\", \"calendarMonth\" or \"lifetime\", not \(quoted(text))") }
            }
            guard let amount, amount > .zero, let period else { return nil }
            return .spendThreshold(SpendThresholdTrigger(amount: amount, period: period))
        case "event":
            checkKeys(object, path, allowed: ["type", "eventType", "where"])
            let eventType = requiredString(object, "eventType", path)
            if let eventType, eventType.isEmpty { fail(path + ".eventType", "must name an event type such as order.completed") }
            var condition: AudiencePredicate?
            if let value = object["where"], !value.isNull {
                condition = predicate(value, path + ".where", allowEventFields: true)
                if condition == nil { return nil }
            }
            guard let eventType, !eventType.isEmpty else { return nil }
            return .event(EventTrigger(eventType: eventType, condition: condition))
        case "recurring":
            checkKeys(object, path, allowed: ["type", "every", "on", "at"])
            let at = localTime(object, "at", path) ?? LocalTime(hour: 9, minute: 0)
            guard let every = requiredString(object, "every", path) else { return nil }
            let on = object["on"]
            switch every {
            case "day":
                if on != nil { fail(path + ".on", "a daily trigger takes no \"on\"") }
                return .recurring(RecurringTrigger(every: .day, at: at))
            case "week":
                let names = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
                guard let text = on?.stringValue, let index = names.firstIndex(of: text.lowercased()) else {
                    fail(path + ".on", "a weekly trigger needs \"on\": a weekday name such as \"monday\"")
                    return nil
                }
                return .recurring(RecurringTrigger(every: .week(weekday: index + 1), at: at))
            case "month":
                guard let day = on?.intValue, (1...31).contains(day) else {
                    fail(path + ".on", "a monthly trigger needs \"on\": a day of the month from 1 to 31 (months without it use their last day)")
                    return nil
                }
                return .recurring(RecurringTrigger(every: .month(day: day), at: at))
            case "year":
                guard let text = on?.stringValue, let date = Birthday("--" + text), date.year == nil else {
                    fail(path + ".on", "a yearly trigger needs \"on\": a date MM-DD such as \"12-01\"")
                    return nil
                }
                return .recurring(RecurringTrigger(every: .year(month: date.month, day: date.day), at: at))
            default:
                fail(path + ".every", "must be \"day\", \"week\", \"month\" or \"year\", not \(quoted(every))")
                return nil
            }
        default:
            fail(path + ".type", "unknown trigger type \(quoted(type)); expected one of \(Trigger.contractTypes.joined(separator: ", "))")
            return nil
        }
    }

    mutating func leapDayRule(_ object: JSONObject, _ path: String) -> LeapDayRule {
        guard let text = optionalString(object, "leapDay", path) else { return .feb28 }
        guard let rule = LeapDayRule(rawValue: text) else {
            fail(path + ".leapDay", "must be \"feb28\" or \"mar1\", not \(quoted(text))")
            return .feb28
        }
        return rule
    }

    /// One tier name or a list of them, checked against the programme's tiers when known.
    mutating func tierList(_ value: JSONValue, _ path: String) -> [String]? {
        let elements: [(JSONValue, String)]
        if case .array(let array) = value {
            guard !array.isEmpty else {
                fail(path, "must name at least one tier")
                return nil
            }
            elements = array.enumerated().map { ($1, "\(path)[\($0)]") }
        } else {
            elements = [(value, path)]
        }
        var tiers: [String] = []
        for (element, elementPath) in elements {
            guard let name = element.stringValue else {
                fail(elementPath, "must be a tier name, not \(describe(element))")
                continue
            }
            if let knownTiers, !knownTiers.contains(name) {
                fail(elementPath, "unknown tier \(quoted(name)); the programme's tiers are \(knownTiers.joined(separator: ", "))")
                continue
            }
            tiers.append(name)
        }
        return tiers.count == elements.count ? tiers : nil
    }
}
