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
        var text = text
        let parsed = text.withUTF8 { utf8 -> Birthday? in
            if utf8.count == 7, utf8[0] == UInt8(ascii: "-"), utf8[1] == UInt8(ascii: "-") {
                // --MM-DD: any year; Feb 29 is allowed since the year is unknown (read as in 2000, a leap year).
                return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 10) { buffer in
                    for (index, byte) in "2000".utf8.enumerated() { buffer[index] = byte }
                    for index in 1..<7 { buffer[3 + index] = utf8[index] }
                    let date = LocalDate.parse(iso: UnsafeBufferPointer(buffer))
                    return date.map { Birthday(year: nil, month: $0.month, day: $0.day) }
                }
            }
            return LocalDate.parse(iso: utf8).map { Birthday(year: $0.year, month: $0.month, day: $0.day) }
        }
        guard let parsed else { return nil }
        self = parsed
    }

    public var description: String {
        let monthDay = "\(twoDigits(month))-\(twoDigits(day))"
        guard let year else { return "--" + monthDay }
        return LocalDate(year: year, month: month, day: day).description
    }

    /// The birthday in 26 bits of a word: a has-year bit, the day, the month and the year; nil when a part is out of
    /// range.
    ///
    /// Bit 0 has-year, bits 1–5 the day, bits 6–9 the month, bits 16–31 the year (signed); bits 10–15 stay clear for
    /// the caller's flags. Member state stores birthdays this way; every birthday an event can carry (a four-digit
    /// year, a valid month and day) fits.
    var packed: UInt32? {
        guard (0...31).contains(day), (0...15).contains(month) else { return nil }
        var word = UInt32(day) << 1 | UInt32(month) << 6
        if let year {
            guard let year16 = Int16(exactly: year) else { return nil }
            word |= 1 | UInt32(UInt16(bitPattern: year16)) << 16
        }
        return word
    }

    /// The bits of a word `packed` uses.
    static let packedMask: UInt32 = 0xFFFF_03FF

    /// The birthday `packed` returned `word` for (bits outside `packedMask` are ignored).
    init(packed word: UInt32) {
        let year = word & 1 != 0 ? Int(Int16(bitPattern: UInt16(truncatingIfNeeded: word >> 16))) : nil
        self.init(year: year, month: Int(word >> 6 & 0xF), day: Int(word >> 1 & 0x1F))
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
