/// A plan's execution condition (CONTRACT §3, "Triggers").
///
/// Time triggers fire from the member's schedule, event triggers when an event is applied, and `recurring` from a
/// per-partition sweep over the members of each time zone.
public enum Trigger: Sendable, Hashable {
    case birthday(BirthdayTrigger)
    case dormancy(DormancyTrigger)
    case pointsExpiring(PointsExpiringTrigger)
    case anniversary(AnniversaryTrigger)
    case enrolled(EnrolledTrigger)
    case firstPurchase
    case tierChanged(TierChangedTrigger)
    case spendThreshold(SpendThresholdTrigger)
    case event(EventTrigger)
    case recurring(RecurringTrigger)

    /// The contract's trigger type name.
    public var typeName: String {
        switch self {
        case .birthday: "birthday"
        case .dormancy: "dormancy"
        case .pointsExpiring: "pointsExpiring"
        case .anniversary: "anniversary"
        case .enrolled: "enrolled"
        case .firstPurchase: "firstPurchase"
        case .tierChanged: "tierChanged"
        case .spendThreshold: "spendThreshold"
        case .event: "event"
        case .recurring: "recurring"
        }
    }

    /// How the trigger is driven.
    public enum Kind: Sendable { case time, event, recurring }

    public var kind: Kind {
        switch self {
        case .birthday, .dormancy, .pointsExpiring, .anniversary, .enrolled: .time
        case .firstPurchase, .tierChanged, .spendThreshold, .event: .event
        case .recurring: .recurring
        }
    }

    /// Every trigger type the contract names.
    public static let contractTypes: [String] = [
        "birthday", "dormancy", "pointsExpiring", "anniversary", "enrolled", "firstPurchase", "tierChanged",
        "spendThreshold", "event", "recurring",
    ]
}

/// Fires at `at` local time on birthday + `offsetDays`; one occurrence per birthday year.
public struct BirthdayTrigger: Sendable, Hashable {
    public var offsetDays: Int
    public var at: LocalTime
    public var leapDay: LeapDayRule

    public init(offsetDays: Int = 0, at: LocalTime = LocalTime(hour: 9, minute: 0), leapDay: LeapDayRule = .feb28) {
        self.offsetDays = offsetDays
        self.at = at
        self.leapDay = leapDay
    }
}

/// Fires at the first `at` local time on or after last activity + N member-local days, for each N of the ladder.
public struct DormancyTrigger: Sendable, Hashable {
    /// Ascending, distinct, positive.
    public var inactiveDays: [Int]
    public var at: LocalTime

    public init(inactiveDays: [Int], at: LocalTime = LocalTime(hour: 9, minute: 0)) {
        self.inactiveDays = inactiveDays.sorted()
        self.at = at
    }
}

/// Fires at `at` local time `withinDays` member-local days before a points bucket expires, when enough points are left.
public struct PointsExpiringTrigger: Sendable, Hashable {
    /// Descending (furthest reminder first), distinct, positive.
    public var withinDays: [Int]
    public var minPoints: Int64
    public var at: LocalTime

    public init(withinDays: [Int], minPoints: Int64 = 1, at: LocalTime = LocalTime(hour: 9, minute: 0)) {
        self.withinDays = withinDays.sorted(by: >)
        self.minPoints = minPoints
        self.at = at
    }
}

/// Fires at `at` local time on each anniversary of the member-local enrolment date (year 1 is one year after).
public struct AnniversaryTrigger: Sendable, Hashable {
    /// Which anniversaries fire (e.g. `[1, 5, 10]`); nil means every year.
    public var years: [Int]?
    public var at: LocalTime
    /// Where a Feb 29 enrolment falls in common years.
    public var leapDay: LeapDayRule

    public init(years: [Int]? = nil, at: LocalTime = LocalTime(hour: 9, minute: 0), leapDay: LeapDayRule = .feb28) {
        self.years = years?.sorted()
        self.at = at
        self.leapDay = leapDay
    }
}

/// Fires once, `delay` after enrolment (a welcome); calendar parts of the delay are member-local.
public struct EnrolledTrigger: Sendable, Hashable {
    public var delay: ISODuration

    public init(delay: ISODuration) { self.delay = delay }
}

/// Fires on a `tier.changed` event matching the direction (by the programme's tier order) and target tiers.
public struct TierChangedTrigger: Sendable, Hashable {
    public enum Direction: String, Sendable, Hashable { case up, down, any }

    public var direction: Direction
    /// Tiers the change must reach; nil means any.
    public var to: [String]?

    public init(direction: Direction = .any, to: [String]? = nil) {
        self.direction = direction
        self.to = to
    }
}

/// Fires when the member's cumulative spend in a member-local period first reaches `amount`.
public struct SpendThresholdTrigger: Sendable, Hashable {
    public enum Period: String, Sendable, Hashable { case calendarYear, calendarMonth, lifetime }

    public var amount: DecimalAmount
    public var period: Period

    public init(amount: DecimalAmount, period: Period) {
        self.amount = amount
        self.period = period
    }
}

/// Fires on each event of `eventType` whose data matches `where`.
public struct EventTrigger: Sendable, Hashable {
    public var eventType: String
    /// A predicate over `event.<path>` fields; nil matches every event of the type.
    public var condition: AudiencePredicate?

    public init(eventType: String, condition: AudiencePredicate? = nil) {
        self.eventType = eventType
        self.condition = condition
    }
}

/// Fires at `at` local time on every matching day for every member in the audience (e.g. a monthly statement).
public struct RecurringTrigger: Sendable, Hashable {
    public enum Every: Sendable, Hashable {
        case day
        /// ISO weekday, 1 = Monday … 7 = Sunday.
        case week(weekday: Int)
        /// Day of month 1…31; months without that day use their last day.
        case month(day: Int)
        /// Month and day; Feb 29 falls on Feb 28 in common years.
        case year(month: Int, day: Int)
    }

    public var every: Every
    public var at: LocalTime

    public init(every: Every, at: LocalTime = LocalTime(hour: 9, minute: 0)) {
        self.every = every
        self.at = at
    }

    /// Whether `date` is one of the trigger's days.
    public func matches(_ date: LocalDate) -> Bool {
        switch every {
        case .day: return true
        case .week(let weekday): return date.isoWeekday == weekday
        case .month(let day): return date.day == min(day, LocalDate.daysIn(month: date.month, year: date.year))
        case .year(let month, let day):
            guard date.month == month else { return false }
            return date.day == min(day, LocalDate.daysIn(month: month, year: date.year))
        }
    }

    /// The first matching date on or after `date`.
    public func firstDate(onOrAfter date: LocalDate) -> LocalDate {
        var candidate = date
        switch every {
        case .day:
            return date
        case .week(let weekday):
            return date.adding(days: (weekday - date.isoWeekday + 7) % 7)
        case .month:
            for _ in 0..<3 {
                if let hit = firstInMonth(of: candidate, from: candidate.day) { return hit }
                candidate = LocalDate(year: candidate.year, month: candidate.month, day: 1).adding(months: 1)
            }
        case .year:
            for _ in 0..<3 {
                if let hit = firstInYear(of: candidate) { return hit }
                candidate = LocalDate(year: candidate.year + 1, month: 1, day: 1)
            }
        }
        return candidate
    }

    private func firstInMonth(of date: LocalDate, from day: Int) -> LocalDate? {
        guard case .month(let wanted) = every else { return nil }
        let actual = min(wanted, LocalDate.daysIn(month: date.month, year: date.year))
        return actual >= day ? LocalDate(year: date.year, month: date.month, day: actual) : nil
    }

    private func firstInYear(of date: LocalDate) -> LocalDate? {
        guard case .year(let month, let day) = every else { return nil }
        let hit = LocalDate(year: date.year, month: month, day: min(day, LocalDate.daysIn(month: month, year: date.year)))
        return hit >= date ? hit : nil
    }
}
