/// A wall-clock time of day (`HH:MM` or `HH:MM:SS`), as plans write `at` and quiet hours.
public struct LocalTime: Sendable, Hashable, Comparable, CustomStringConvertible {
    public var secondOfDay: Int

    public init(hour: Int, minute: Int, second: Int = 0) { secondOfDay = hour * 3600 + minute * 60 + second }
    public init(secondOfDay: Int) { self.secondOfDay = secondOfDay }

    public static let midnight = LocalTime(secondOfDay: 0)

    /// Parses `HH:MM` or `HH:MM:SS` (24-hour); nil when malformed or out of range.
    public init?(text: String) {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2 || parts.count == 3, parts.allSatisfy({ $0.count == 2 }),
            let h = Int(parts[0]), let m = Int(parts[1]), (0...23).contains(h), (0...59).contains(m)
        else { return nil }
        var s = 0
        if parts.count == 3 {
            guard let sec = Int(parts[2]), (0...59).contains(sec) else { return nil }
            s = sec
        }
        self.init(hour: h, minute: m, second: s)
    }

    public static func < (lhs: LocalTime, rhs: LocalTime) -> Bool { lhs.secondOfDay < rhs.secondOfDay }

    public var description: String {
        let base = "\(twoDigits(secondOfDay / 3600)):\(twoDigits(secondOfDay / 60 % 60))"
        return secondOfDay % 60 == 0 ? base : base + ":\(twoDigits(secondOfDay % 60))"
    }
}

/// A date and wall-clock time without a zone.
public struct LocalDateTime: Sendable, Hashable, Comparable {
    public var date: LocalDate
    public var time: LocalTime

    public init(date: LocalDate, time: LocalTime) {
        self.date = date
        self.time = time
    }

    /// Seconds since 1970-01-01T00:00 of the same wall clock, treating it as if it were UTC.
    public var localEpochSeconds: Int64 { date.daysSinceEpoch * 86_400 + Int64(time.secondOfDay) }

    public init(localEpochSeconds: Int64) {
        let days = localEpochSeconds.floorDiv(86_400)
        self.init(date: LocalDate(daysSinceEpoch: days), time: LocalTime(secondOfDay: Int(localEpochSeconds - days * 86_400)))
    }

    public static func < (lhs: LocalDateTime, rhs: LocalDateTime) -> Bool {
        lhs.localEpochSeconds < rhs.localEpochSeconds
    }
}
