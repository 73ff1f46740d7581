import Foundation
import Synchronization

/// An IANA time zone with the conversions the time rules need.
///
/// Local times that fall in a daylight-saving gap move forward by the gap's length, and ambiguous ones take the
/// earlier instant (what java.time and Python's zoneinfo do).
public struct Zone: Sendable, Hashable, CustomStringConvertible {
    public let identifier: String
    private let rules: ZoneRules

    private static let cache = Mutex<[String: ZoneRules]>([:])

    /// Looks up an IANA zone such as `Asia/Shanghai`; nil when the identifier is unknown.
    public init?(identifier: String) {
        if let cached = Zone.cache.withLock({ $0[identifier] }) {
            self.identifier = identifier
            self.rules = cached
            return
        }
        // Foundation accepts abbreviations like "EST" and offsets like "GMT+8"; plans and events must use IANA names.
        guard identifier.contains("/") || identifier == "UTC",
            let timeZone = TimeZone(identifier: identifier)
        else { return nil }
        let rules = ZoneRules(timeZone: timeZone)
        Zone.cache.withLock { $0[identifier] = rules }
        self.identifier = identifier
        self.rules = rules
    }

    public static let utc = Zone(identifier: "UTC")!

    public var description: String { identifier }

    public static func == (lhs: Zone, rhs: Zone) -> Bool { lhs.identifier == rhs.identifier }
    public func hash(into hasher: inout Hasher) { hasher.combine(identifier) }

    /// UTC offset in seconds in force at `instant`.
    public func offsetSeconds(at instant: Instant) -> Int64 {
        rules.offset(at: instant.epochSeconds)
    }

    /// The wall-clock date and time at `instant` in this zone.
    public func localDateTime(of instant: Instant) -> LocalDateTime {
        LocalDateTime(localEpochSeconds: instant.epochSeconds + offsetSeconds(at: instant))
    }

    public func localDate(of instant: Instant) -> LocalDate { localDateTime(of: instant).date }

    /// The instant of a wall-clock time, resolving DST gaps (shift forward by the gap) and overlaps (earlier instant).
    public func instant(of local: LocalDateTime) -> Instant {
        let l = local.localEpochSeconds
        // Fastest path: no transition anywhere near (most zones most of the time, and always for zones without DST).
        if rules.isStable(from: l - 86_400 - 14 * 3600, through: l + 86_400 + 14 * 3600) {
            return Instant(epochSeconds: l - rules.stableOffset)
        }
        // Next fastest: one lookup says the offset holds across the window (a zone with daylight saving time, away
        // from its changes), so the local time has exactly one instant, at that offset.
        if let (offset, nextChange) = rules.offsetAndNextChange(at: l - 86_400 - 14 * 3600),
            nextChange > l + 86_400 + 14 * 3600
        {
            return Instant(epochSeconds: l - offset)
        }
        // Fast path: the same offset on both sides of a two-day window means no transition nearby.
        // Offsets a day either side bracket at most one transition (zones never change twice within two days).
        let before = offsetSeconds(at: Instant(epochSeconds: l - 86_400 - 14 * 3600))
        let after = offsetSeconds(at: Instant(epochSeconds: l + 86_400 + 14 * 3600))
        let candidateBefore = l - before
        let candidateAfter = l - after
        let validBefore = offsetSeconds(at: Instant(epochSeconds: candidateBefore)) == before
        let validAfter = offsetSeconds(at: Instant(epochSeconds: candidateAfter)) == after
        switch (validBefore, validAfter) {
        case (true, true): return Instant(epochSeconds: min(candidateBefore, candidateAfter))
        case (true, false): return Instant(epochSeconds: candidateBefore)
        case (false, true): return Instant(epochSeconds: candidateAfter)
        case (false, false):
            // A gap: interpret with the offset in force before it, which lands the gap's length later.
            return Instant(epochSeconds: candidateBefore)
        }
    }

    public func instant(of date: LocalDate, at time: LocalTime) -> Instant {
        instant(of: LocalDateTime(date: date, time: time))
    }

    /// The same wall-clock time `days` member-local calendar days later.
    public func adding(days: Int, to instant: Instant) -> Instant {
        var local = localDateTime(of: instant)
        local.date = local.date.adding(days: days)
        return self.instant(of: local).adding(millis: instant.epochMillis - instant.epochSeconds * 1000)
    }

    /// Adds an ISO 8601 duration: years, months and days on the local calendar, the time part as elapsed time.
    public func adding(_ duration: ISODuration, to instant: Instant) -> Instant {
        var result = instant
        if duration.months != 0 || duration.days != 0 {
            var local = localDateTime(of: instant)
            local.date = local.date.adding(months: duration.months).adding(days: duration.days)
            result = self.instant(of: local).adding(millis: instant.epochMillis - instant.epochSeconds * 1000)
        }
        return result.adding(seconds: duration.seconds)
    }
}
