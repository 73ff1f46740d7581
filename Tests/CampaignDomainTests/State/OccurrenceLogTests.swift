@testable import CampaignDomain
import TestSupport
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

    @Test func entriesPastTheTwoInlineOnesSpillAndPruningKeepsTheOrder() {
        var log = OccurrenceLog()
        var plain: [HandledOccurrence] = []
        for index in 0..<7 {
            let item = entry("plan-\(index % 3)", index % 2 == 0 ? "once" : "2026-01-0\(index)T00:00:00Z/\(index)d", Int64(index * 100), counted: index % 3 != 0)
            log.record(item)
            plain.append(item)
            #expect(log.entries == plain)
        }
        let copy = log
        for days: Int64 in [50, 150, 350, 550] {
            log.prune(before: Instant(epochMillis: days * day * 1000).adding(seconds: OccurrenceLog.retentionSeconds))
            plain.removeAll { $0.firedAt < Instant(epochMillis: days * day * 1000) }
            #expect(log.entries == plain)
            for index in 0..<7 {
                let name = index % 2 == 0 ? "once" : "2026-01-0\(index)T00:00:00Z/\(index)d"
                #expect(log.contains(planID: "plan-\(index % 3)", occurrence: name) == plain.contains { $0.planID == "plan-\(index % 3)" && $0.occurrence == name })
            }
        }
        #expect(log.entries.count == 1)
        // The copy taken before pruning still has everything.
        #expect(copy.entries.count == 7)
        log.prune(before: .max)
        #expect(log.isEmpty && log == OccurrenceLog())
    }

    @Test func namesManyMembersHaveShareABoxAndOthersDoNot() {
        var a = OccurrenceLog()
        var b = OccurrenceLog()
        for name in ["once", "lifetime", "2026", "2026-03", "2026-03-09", "2026-03-09T00:00:00Z/30d", "e-1", "a-100000"] {
            a.record(entry("plan-" + String(9), name, 1))
            b.record(entry("plan-9", name, 2))
        }
        let shared = zip(a.logEntries, b.logEntries).map { $0.key === $1.key }
        #expect(shared == [true, true, true, true, true, false, false, false])
        #expect(a.entries.map(\.occurrence) == b.entries.map(\.occurrence))
        #expect(a != b)
        // Equal entries compare equal whether or not their boxes are shared.
        var c = OccurrenceLog()
        for name in ["once", "lifetime", "2026", "2026-03", "2026-03-09", "2026-03-09T00:00:00Z/30d", "e-1", "a-100000"] {
            c.record(entry("plan-9", name, 1))
        }
        #expect(a == c && a.hashValue == c.hashValue)
    }

    @Test func containsANameComparesWithItsSpelling() {
        var log = OccurrenceLog()
        log.record(entry("birthday", "2026", 1))
        log.record(entry("dormancy", "2026-03-01T02:00:00Z/30d", 2))
        log.record(entry("birthday", "2027", 3))
        #expect(log.contains(planID: "birthday", name: .year(2027)))
        #expect(!log.contains(planID: "birthday", name: .year(2028)))
        #expect(log.contains(planID: "dormancy", name: .instantDays(Instant.at("2026-03-01T02:00:00Z"), 30)))
        #expect(!log.contains(planID: "birthday", name: .instantDays(Instant.at("2026-03-01T02:00:00Z"), 30)))
    }
}
