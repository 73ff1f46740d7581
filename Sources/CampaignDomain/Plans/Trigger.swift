/// A plan's execution condition.
///
/// This release implements the time triggers `birthday`, `dormancy` and `pointsExpiring`; the others of CONTRACT §3
/// are rejected at validation with a clear message until they are built.
public enum Trigger: Sendable, Hashable {
    case birthday(BirthdayTrigger)
    case dormancy(DormancyTrigger)
    case pointsExpiring(PointsExpiringTrigger)

    /// The contract's trigger type name.
    public var typeName: String {
        switch self {
        case .birthday: "birthday"
        case .dormancy: "dormancy"
        case .pointsExpiring: "pointsExpiring"
        }
    }

    /// Every trigger type the contract names, implemented or not.
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
