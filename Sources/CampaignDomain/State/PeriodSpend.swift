/// The member's spend in the current member-local calendar year and month, for `spendThreshold` triggers.
///
/// Orders dated in an earlier period than the one tracked do not count towards it; a later one starts a new period.
public struct PeriodSpend: Sendable, Hashable {
    public var year: Int = 0
    public var yearSpend: DecimalAmount = .zero
    /// year × 12 + (month − 1)
    public var month: Int = 0
    public var monthSpend: DecimalAmount = .zero

    public init() {}

    /// Adds (or, negative, removes) spend dated on `date`.
    public mutating func add(_ amount: DecimalAmount, on date: LocalDate) {
        let monthIndex = date.year * 12 + date.month - 1
        if date.year > year {
            year = date.year
            yearSpend = .zero
        }
        if date.year == year { yearSpend = max(.zero, yearSpend + amount) }
        if monthIndex > month {
            month = monthIndex
            monthSpend = .zero
        }
        if monthIndex == month { monthSpend = max(.zero, monthSpend + amount) }
    }

    /// Spend in the period containing `date` (zero when that is not the tracked period).
    public func spend(in period: SpendThresholdTrigger.Period, on date: LocalDate, lifetime: DecimalAmount) -> DecimalAmount {
        switch period {
        case .lifetime: lifetime
        case .calendarYear: date.year == year ? yearSpend : .zero
        case .calendarMonth: date.year * 12 + date.month - 1 == month ? monthSpend : .zero
        }
    }
}
