/// When points that arrive without `expiresAt` expire (CONTRACT §6).
public enum PointsExpiryPolicy: Sendable, Hashable {
    /// Points earned in year Y (programme-local) expire at the start of 1 January of Y + years + 1.
    case endOfYearAfter(years: Int)
    /// Points expire the given duration after they were earned.
    case rolling(ISODuration)
    case never

    /// The expiry instant for points earned at `earnedAt`.
    public func expiry(earnedAt: Instant, programmeZone: Zone) -> Instant? {
        switch self {
        case .endOfYearAfter(let years):
            let earnedYear = programmeZone.localDate(of: earnedAt).year
            return programmeZone.instant(of: LocalDate(year: earnedYear + years + 1, month: 1, day: 1), at: .midnight)
        case .rolling(let duration):
            return programmeZone.adding(duration, to: earnedAt)
        case .never:
            return nil
        }
    }
}
