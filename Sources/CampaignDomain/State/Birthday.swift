/// A member's birthday: month and day, with the year when known (`YYYY-MM-DD` or `--MM-DD`).
public struct Birthday: Sendable, Hashable, CustomStringConvertible {
    public var year: Int?
    public var month: Int
    public var day: Int

    public init(year: Int?, month: Int, day: Int) {
        self.year = year
        self.month = month
        self.day = day
    }

    public init?(_ text: String) {
        if text.hasPrefix("--") {
            // --MM-DD: any year; Feb 29 is allowed since the year is unknown.
            guard let date = LocalDate(iso: "2000" + text.dropFirst(1)) else { return nil }
            self.init(year: nil, month: date.month, day: date.day)
        } else {
            guard let date = LocalDate(iso: text) else { return nil }
            self.init(year: date.year, month: date.month, day: date.day)
        }
    }

    public var description: String {
        let monthDay = "\(twoDigits(month))-\(twoDigits(day))"
        guard let year else { return "--" + monthDay }
        return LocalDate(year: year, month: month, day: day).description
    }

    /// The birthday in one word: day, month, a has-year bit and the year; nil when a part is out of range.
    ///
    /// Member state stores birthdays this way; every birthday an event can carry (a four-digit year) fits.
    var packed: UInt64? {
        guard (0...255).contains(month), (0...255).contains(day) else { return nil }
        var word = UInt64(day) | UInt64(month) << 8
        if let year {
            guard let year32 = Int32(exactly: year) else { return nil }
            word |= 1 << 16 | UInt64(UInt32(bitPattern: year32)) << 32
        }
        return word
    }

    /// The birthday `packed` returned `word` for.
    init(packed word: UInt64) {
        let year = word & (1 << 16) != 0 ? Int(Int32(bitPattern: UInt32(truncatingIfNeeded: word >> 32))) : nil
        self.init(year: year, month: Int(word >> 8 & 0xFF), day: Int(word & 0xFF))
    }

    /// The date the birthday falls on in `year`; Feb 29 moves to Feb 28 or Mar 1 in common years.
    public func date(in year: Int, leapDay: LeapDayRule) -> LocalDate {
        if month == 2, day == 29, !LocalDate.isLeap(year) {
            return leapDay == .feb28 ? LocalDate(year: year, month: 2, day: 28) : LocalDate(year: year, month: 3, day: 1)
        }
        return LocalDate(year: year, month: month, day: day)
    }

    /// Whole years of age on `today`, when the birth year is known.
    public func age(on today: LocalDate) -> Int? {
        guard let year else { return nil }
        var age = today.year - year
        if (today.month, today.day) < (month, day) { age -= 1 }
        return age
    }
}

/// Where a Feb 29 birthday falls in a common year.
public enum LeapDayRule: String, Sendable, Hashable {
    case feb28
    case mar1
}
