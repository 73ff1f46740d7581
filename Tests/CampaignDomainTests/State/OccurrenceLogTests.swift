@testable import CampaignDomain
import Testing

/// The occurrence log with interned plan ids answers exactly what a plain list of `HandledOccurrence` would.
@Suite struct OccurrenceLogTests {
    let day: Int64 = 86_400

    func entry(_ plan: String, _ name: String, _ days: Int64, counted: Bool = true) -> HandledOccurrence {
        HandledOccurrence(planID: plan, occurrence: name, firedAt: Instant(epochMillis: days * day * 1000), counted: counted)
    }

    @Test func answersLikeAPlainList() {
        let recorded = [
            entry("birthday-gold", "2025", 10), entry("win-back", "2026-01-01T00:00:00Z/30d", 20, counted: false),
            entry("birthday-gold", "2026", 375), entry("a-plan-id-longer-than-fifteen-bytes", "once", 400),
        ]
        var log = OccurrenceLog()
        for item in recorded { log.record(item) }
        #expect(log.entries == recorded)
        #expect(log.contains(planID: "birthday-gold", occurrence: "2026"))
        #expect(!log.contains(planID: "birthday-gold", occurrence: "2027"))
        #expect(!log.contains(planID: "win-back", occurrence: "2026"))
        #expect(log.contains(planID: "a-plan-id-longer-than-fifteen-bytes", occurrence: "once"))
        #expect(log.countedFirings(planID: "birthday-gold", after: Instant(epochMillis: 10 * day * 1000), through: Instant(epochMillis: 375 * day * 1000)) == 1)
        #expect(log.countedFirings(planID: "birthday-gold", after: Instant(epochMillis: 0), through: Instant(epochMillis: 375 * day * 1000)) == 2)
        #expect(log.countedFirings(planID: "win-back", after: Instant(epochMillis: 0), through: .max) == 0)

        // Entries before horizon − retention go, the one exactly at the cutoff stays.
        var pruned = log
        pruned.prune(before: Instant(epochMillis: 20 * day * 1000).adding(seconds: OccurrenceLog.retentionSeconds))
        #expect(pruned.entries == Array(recorded.dropFirst()))
        #expect(pruned != log)
    }

    @Test func equalLogsAreEqualHowEverTheirPlanIdsWereBuilt() {
        var a = OccurrenceLog()
        var b = OccurrenceLog()
        a.record(entry("plan-" + String(7), "once", 1))
        b.record(entry("plan-7", "once", 1))
        #expect(a == b)
        #expect(a.hashValue == b.hashValue)
        b.record(entry("plan-7", "again", 2))
        #expect(a != b)
    }
}
