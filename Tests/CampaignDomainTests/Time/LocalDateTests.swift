@testable import CampaignDomain
import Testing

@Suite struct LocalDateTests {
    @Test func convertsDaysBothWays() {
        for days in stride(from: Int64(-800_000), through: 800_000, by: 997) {
            #expect(LocalDate(daysSinceEpoch: days).daysSinceEpoch == days)
        }
        #expect(LocalDate(year: 2026, month: 11, day: 25).isoWeekday == 3)  // a Wednesday
        #expect(LocalDate(year: 2024, month: 1, day: 31).adding(months: 1) == LocalDate(year: 2024, month: 2, day: 29))
        #expect(LocalDate(year: 2026, month: 12, day: 31).adding(days: 1) == LocalDate(year: 2027, month: 1, day: 1))
    }

    /// The unsigned conversions agree with the general ones wherever they are used, and hand over to them at their
    /// bounds.
    @Test func fastConversionsAgreeWithTheGeneralOnes() {
        // Every day of years 1900 to 2200, then samples out to the fast paths' bounds and past them.
        var samples = Array(stride(from: Int64(-25_567), through: 84_000, by: 1))
        samples += stride(from: Int64(-13_000_000), through: 1_000_000_100, by: 9_973)
        samples += [-12_699_423, -12_699_422, -12_699_421, 999_999_999, 1_000_000_000, 1_000_000_001, .min / 2, .max / 2]
        for days in samples {
            let general = LocalDate(generalDaysSinceEpoch: days)
            #expect(LocalDate(daysSinceEpoch: days) == general, "\(days)")
            #expect(general.daysSinceEpoch == general.generalDaysSinceEpoch, "\(general)")
        }
        // Years at the bounds of the fast path, with months and days that are not real dates (Feb 31) as the
        // general form counts them.
        for year in [-32_001, -32_000, -31_999, -1, 0, 1, 999_999, 1_000_000, 1_000_001] {
            for (month, day) in [(1, 1), (2, 29), (2, 31), (3, 1), (12, 31), (0, 1), (13, 1), (1, 0), (1, 32)] {
                let date = LocalDate(year: year, month: month, day: day)
                #expect(date.daysSinceEpoch == date.generalDaysSinceEpoch, "\(year)-\(month)-\(day)")
            }
        }
    }

    /// Day by day through leap years, century years and 2000, against a calendar counted by hand.
    @Test func daysMatchACalendarCountedDayByDay() {
        var (year, month, day) = (1599, 12, 1)
        var days = LocalDate(year: year, month: month, day: day).daysSinceEpoch
        #expect(LocalDate(year: 1970, month: 1, day: 1).daysSinceEpoch == 0)
        #expect(LocalDate(year: 1969, month: 12, day: 31).daysSinceEpoch == -1)
        #expect(LocalDate(year: 2000, month: 3, day: 1).daysSinceEpoch == 11_017)
        while year < 2401 {
            #expect(LocalDate(daysSinceEpoch: days) == LocalDate(year: year, month: month, day: day))
            #expect(LocalDate(year: year, month: month, day: day).daysSinceEpoch == days)
            days += 1
            day += 1
            let length = [31, (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]
            if day > length { (day, month) = (1, month + 1) }
            if month > 12 { (month, year) = (1, year + 1) }
        }
        // Around year 0, where the eras' arithmetic turns negative.
        for days in Int64(-719_530)...Int64(-719_400) {
            #expect(LocalDate(daysSinceEpoch: days).daysSinceEpoch == days)
        }
        #expect(LocalDate(daysSinceEpoch: -719_468) == LocalDate(year: 0, month: 3, day: 1))
        #expect(LocalDate(daysSinceEpoch: -719_469) == LocalDate(year: 0, month: 2, day: 29))
        #expect(LocalDate(year: 1, month: 1, day: 1).daysSinceEpoch == -719_162)
    }

    @Test func parsesDurations() {
        #expect(ISODuration("P30D")?.days == 30)
        #expect(ISODuration("PT6H")?.seconds == 21_600)
        #expect(ISODuration("P12M")?.months == 12)
        #expect(ISODuration("P1Y2M3DT4H5M6S").map { [$0.months, $0.days, Int($0.seconds)] } == [14, 3, 14_706])
        for bad in ["", "P", "PT", "30D", "P1H", "PT1D", "P-1D", "P1.5D"] { #expect(ISODuration(bad) == nil, "\(bad)") }
    }

    /// How dates were read before they were read byte by byte: split at `-`, four, two and two characters, `Int(_:)`.
    static func splitReference(_ text: String) -> LocalDate? {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
            let y = Int(parts[0]), let m = Int(parts[1]), let d = Int(parts[2]),
            (1...12).contains(m), d >= 1, d <= LocalDate.daysIn(month: m, year: y)
        else { return nil }
        return LocalDate(year: y, month: m, day: d)
    }

    @Test func readsDatesAsTheSplittingParserDid() {
        let cases = [
            "1990-03-12", "2024-02-29", "2023-02-29", "2000-02-29", "1900-02-29", "0000-01-01", "9999-12-31",
            "1990-13-01", "1990-00-10", "1990-04-31", "1990-4-01", "1990-04-1", "19900-04-01", "1990/04/01",
            "+990-01-01", "2000-+1-05", "2000-01-+5", "2000-0+-05", "2000-+-05", "--03-12", "1990-03-12 ", " 1990-03-12",
            "１９９０-03-12", "1990\u{301}-01-01", "", "1990-03", "1990-03-12-01", "++90-01-01", "+-90-01-01",
        ]
        for text in cases {
            #expect(LocalDate(iso: text) == Self.splitReference(text), "\(text)")
        }
        // Random texts from the characters that matter, around the right length.
        var random = SplitMix64(seed: 7)
        // Mostly digits, so that enough of them are real dates.
        let alphabet = Array(String(repeating: "0123456789", count: 4) + "+-x ")
        var accepted = 0
        for _ in 0..<20_000 {
            let length = 9 + random.below(3)
            var text = String((0..<length).map { _ in alphabet[random.below(alphabet.count)] })
            if random.below(2) == 0, length == 10 {
                // Most random texts are malformed; put the separators in place for half of them.
                var characters = Array(text)
                characters[4] = "-"
                characters[7] = "-"
                text = String(characters)
            }
            let parsed = LocalDate(iso: text)
            #expect(parsed == Self.splitReference(text), "\(text)")
            if parsed != nil { accepted += 1 }
        }
        #expect(accepted > 50)
    }

    @Test func birthdaysKeepTheirYearlessForm() {
        #expect(Birthday("--02-29") == Birthday(year: nil, month: 2, day: 29))
        #expect(Birthday("--03-12")?.description == "--03-12")
        #expect(Birthday("1992-02-29") == Birthday(year: 1992, month: 2, day: 29))
        for text in ["--02-30", "--13-01", "--3-12", "---03-12", "--03-12 ", "-03-12", "1993-02-29", "--+3-12"] {
            let expected: Birthday? = text.hasPrefix("--")
                ? Self.splitReference("2000" + text.dropFirst(1)).map { Birthday(year: nil, month: $0.month, day: $0.day) }
                : Self.splitReference(text).map { Birthday(year: $0.year, month: $0.month, day: $0.day) }
            #expect(Birthday(text) == expected, "\(text)")
        }
    }
}
