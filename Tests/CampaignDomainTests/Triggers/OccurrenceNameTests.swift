import CampaignDomain
import TestSupport
import Testing

/// The occurrence log is checked without spelling names out; that check must agree with the spelled-out name.
@Suite struct OccurrenceNameTests {
    static let names: [Occurrence.Name] = [
        .year(2026), .year(1), .year(0), .year(-5), .year(12026), .once, .text("2026-03"), .text("evt-42"),
        .instantDays(Instant.at("2026-03-01T02:00:00Z"), 30),
        .instantDays(Instant.at("2026-03-01T02:00:00Z"), 60),
        .instantDays(Instant.at("2026-03-01T02:00:00Z"), 3),
        .instantDays(Instant.at("2026-03-01T02:00:01Z"), 30),
        .instantDays(Instant.at("2026-12-31T16:00:00.250Z"), 7),
        .instantDays(Instant.at("2026-12-31T16:00:00Z"), 0),
        .instantDays(Instant.at("2026-12-31T16:00:00Z"), 1_234_567),
        .instantDays(Instant.at("2026-12-31T16:00:00Z"), -3),
    ]

    @Test func isSpelledByExactlyItsDescription() {
        for name in Self.names {
            #expect(name.isSpelled(by: name.description), "\(name)")
            for other in Self.names where other != name {
                #expect(!name.isSpelled(by: other.description), "\(name) vs \(other)")
            }
            #expect(!name.isSpelled(by: name.description + "x"))
            #expect(!name.isSpelled(by: String(name.description.dropLast())))
        }
        #expect(Occurrence.Name.instantDays(Instant.at("2026-03-01T02:00:00Z"), 30).isSpelled(by: "2026-03-01T02:00:00Z/30d"))
        // Texts that read as the same number or instant but are spelled otherwise.
        for text in ["02026", "+2026", "2026 ", " 2026", "2026.0", "", "0000000000000000000002026"] {
            #expect(!Occurrence.Name.year(2026).isSpelled(by: text), "\(text)")
        }
        #expect(!Occurrence.Name.year(0).isSpelled(by: "00"))
        #expect(Occurrence.Name.year(0).isSpelled(by: "0"))
        let dormant = Occurrence.Name.instantDays(Instant.at("2026-03-01T02:00:00Z"), 30)
        for text in ["2026-03-01T02:00:00Z/030d", "2026-03-01T02:00:00Z30d", "2026-03-01T02:00:00Z-30d", "2026-03-01T02:00:00Z/30", "/30d", "30d", "d",
                     "2026-03-01T02:00:00.000Z/30d"] {
            #expect(!dormant.isSpelled(by: text), "\(text)")
        }
    }
}
