extension Trigger {
    /// The only event type whose events `eventOccurrence` can fire this trigger for; nil for time and recurring
    /// triggers, which no event fires.
    public var firingEventType: String? {
        switch self {
        case .firstPurchase, .spendThreshold: KnownEventType.orderCompleted.rawValue
        case .tierChanged: KnownEventType.tierChanged.rawValue
        case .event(let trigger): trigger.eventType
        case .birthday, .dormancy, .pointsExpiring, .anniversary, .enrolled, .recurring: nil
        }
    }

    /// The occurrence an applied event makes for an event-driven trigger, or nil when the trigger did not happen.
    ///
    /// `firedAt` is the event's effective time. `before` is the member as it was before the event (nil when new).
    public func eventOccurrence(
        event: ActivityEvent, firedAt: Instant, before: MemberState?, after: MemberState, zone: Zone, tiers: [String]
    ) -> Occurrence? {
        switch self {
        case .firstPurchase:
            guard case .orderCompleted = event.payload, (before?.orderCount ?? 0) == 0 else { return nil }
            return Occurrence(key: "once", fireAt: firedAt, details: .event(id: event.id))
        case .tierChanged(let trigger):
            guard case .tierChanged(let from, let to) = event.payload else { return nil }
            let previous = from ?? before?.tier
            if let wanted = trigger.to, !wanted.contains(to) { return nil }
            switch trigger.direction {
            case .any:
                guard previous != to else { return nil }
            case .up, .down:
                guard let previous, let old = tiers.firstIndex(of: previous), let new = tiers.firstIndex(of: to) else { return nil }
                guard trigger.direction == .up ? new > old : new < old else { return nil }
            }
            return Occurrence(key: event.id, fireAt: firedAt, details: .event(id: event.id))
        case .spendThreshold(let trigger):
            guard case .orderCompleted = event.payload else { return nil }
            let date = zone.localDate(of: firedAt)
            let spentBefore = before.map { $0.periodSpend.spend(in: trigger.period, on: date, lifetime: $0.lifetimeSpend) } ?? .zero
            let spentAfter = after.periodSpend.spend(in: trigger.period, on: date, lifetime: after.lifetimeSpend)
            guard spentBefore < trigger.amount, spentAfter >= trigger.amount else { return nil }
            let key: String
            switch trigger.period {
            case .calendarYear: key = String(date.year)
            case .calendarMonth: key = "\(date.year)-\(date.month < 10 ? "0" : "")\(date.month)"
            case .lifetime: key = "lifetime"
            }
            return Occurrence(key: key, fireAt: firedAt, details: .spend(spentAfter))
        case .event(let trigger):
            guard event.type.isSameText(as: trigger.eventType) else { return nil }
            if let condition = trigger.condition,
                !condition.matches(after, today: zone.localDate(of: firedAt), zone: zone, data: event.eventData)
            {
                return nil
            }
            return Occurrence(key: event.id, fireAt: firedAt, details: .event(id: event.id))
        case .birthday, .dormancy, .pointsExpiring, .anniversary, .enrolled, .recurring:
            return nil
        }
    }
}
