import CampaignDomain
import TestSupport
import Testing

/// The occurrence log is checked without spelling names out; that check must agree with the spelled-out name.
@Suite struct OccurrenceNameTests {
    static let names: [Occurrence.Name] = [
        .year(2026), .year(1), .once, .text("2026-03"), .text("evt-42"),
        .instantDays(Instant.at("2026-03-01T02:00:00Z"), 30),
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
    }
}
