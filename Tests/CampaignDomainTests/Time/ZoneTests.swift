import Foundation
import CampaignDomain
import TestSupport
import Testing

@Suite struct InstantTests {
    @Test func parsesAnyOffsetAndFraction() {
        #expect(Instant(rfc3339: "2026-11-25T10:15:00+08:00") == Instant.at("2026-11-25T02:15:00Z"))
        #expect(Instant(rfc3339: "2026-11-25T02:15:00.250Z")?.epochMillis == Instant.at("2026-11-25T02:15:00Z").epochMillis + 250)
        #expect(Instant(rfc3339: "2026-03-08T01:59:59-05:00") == Instant.at("2026-03-08T06:59:59Z"))
        #expect(Instant(rfc3339: "2026-11-25t02:15:00z") == Instant.at("2026-11-25T02:15:00Z"))
    }

    @Test(arguments: ["2026-02-30T00:00:00Z", "2026-11-25T10:15:00", "2026-11-25 10:15", "2026-13-01T00:00:00Z", "x", "2026-11-25T24:00:00Z"])
    func rejectsMalformedTimes(_ text: String) {
        #expect(Instant(rfc3339: text) == nil)
    }

    @Test func formatsUTC() {
        #expect(Instant.at("2026-03-09T09:00:00+08:00").rfc3339 == "2026-03-09T01:00:00Z")
        #expect(Instant(epochMillis: 1_500).rfc3339 == "1970-01-01T00:00:01.500Z")
        #expect(Instant(epochMillis: -1_000).rfc3339 == "1969-12-31T23:59:59Z")
        #expect(Instant.at("2026-12-31T23:59:59.007Z").rfc3339 == "2026-12-31T23:59:59.007Z")
        #expect(Instant.at("0001-01-01T00:00:00Z").rfc3339 == "0001-01-01T00:00:00Z")
        #expect(Instant.at("9999-12-31T23:59:59.999Z").rfc3339 == "9999-12-31T23:59:59.999Z")
        // Beyond four-digit years the year is written as it is.
        let later = Instant(epochMillis: Instant.at("9999-03-04T05:06:07.890Z").epochMillis + 1_000 * 365 * 86_400 * 1_000)
        #expect(later.rfc3339.hasSuffix("T05:06:07.890Z"))
        #expect(later.rfc3339.hasPrefix("10999-") || later.rfc3339.hasPrefix("10998-"))
    }
}

@Suite struct ZoneTests {
    let newYork = Zone(identifier: "America/New_York")!
    let shanghai = Zone(identifier: "Asia/Shanghai")!

    @Test func rejectsUnknownZones() {
        #expect(Zone(identifier: "Mars/Olympus") == nil)
        #expect(Zone(identifier: "EST") == nil)
    }

    @Test func ordinaryLocalTimes() {
        let date = LocalDate(year: 2026, month: 3, day: 9)
        #expect(shanghai.instant(of: date, at: LocalTime(hour: 9, minute: 0)) == Instant.at("2026-03-09T01:00:00Z"))
        #expect(newYork.instant(of: date, at: LocalTime(hour: 9, minute: 0)) == Instant.at("2026-03-09T13:00:00Z"))
    }

    @Test func gapShiftsForwardByTheGapLength() {
        // 2026-03-08: clocks jump from 02:00 EST to 03:00 EDT; 02:30 does not exist and becomes 03:30 EDT.
        let instant = newYork.instant(of: LocalDate(year: 2026, month: 3, day: 8), at: LocalTime(hour: 2, minute: 30))
        #expect(instant == Instant.at("2026-03-08T03:30:00-04:00"))
    }

    @Test func overlapTakesTheEarlierInstant() {
        // 2026-11-01: clocks go back from 02:00 EDT to 01:00 EST; 01:30 happens twice, the EDT one first.
        let instant = newYork.instant(of: LocalDate(year: 2026, month: 11, day: 1), at: LocalTime(hour: 1, minute: 30))
        #expect(instant == Instant.at("2026-11-01T01:30:00-04:00"))
    }

    @Test func addingDaysKeepsWallClockAcrossDST() {
        let before = Instant.at("2026-03-07T09:00:00-05:00")
        #expect(newYork.adding(days: 1, to: before) == Instant.at("2026-03-08T09:00:00-04:00"))
        #expect(newYork.adding(ISODuration("P1D")!, to: before) == Instant.at("2026-03-08T09:00:00-04:00"))
        #expect(newYork.adding(ISODuration("PT24H")!, to: before) == Instant.at("2026-03-08T10:00:00-04:00"))
    }
}

@Suite struct ZoneRulesTests {
    /// The transition table agrees with Foundation's zone data across two centuries, in zones with and without DST.
    @Test(arguments: ["America/New_York", "Europe/London", "Asia/Shanghai", "Australia/Lord_Howe", "America/Sao_Paulo", "Asia/Kolkata", "UTC"])
    func offsetsMatchTheSystemZoneData(_ identifier: String) throws {
        let zone = try #require(Zone(identifier: identifier))
        let system = try #require(TimeZone(identifier: identifier))
        var seconds: Int64 = -2_000_000_000
        while seconds < 4_000_000_000 {
            let expected = Int64(system.secondsFromGMT(for: Date(timeIntervalSince1970: TimeInterval(seconds))))
            #expect(zone.offsetSeconds(at: Instant(epochSeconds: seconds)) == expected, "\(identifier) at \(seconds)")
            seconds += 3_600 * 97 + 1_234
        }
    }

    /// Lookups start from a per-year index and the last transition; at and either side of every transition they
    /// must still agree with Foundation.
    @Test(arguments: ["America/New_York", "Australia/Lord_Howe", "Europe/London", "Asia/Shanghai"])
    func offsetsMatchAtEveryTransition(_ identifier: String) throws {
        let zone = try #require(Zone(identifier: identifier))
        let system = try #require(TimeZone(identifier: identifier))
        var cursor = Date(timeIntervalSince1970: -2_000_000_000)
        var checked = 0
        while let next = system.nextDaylightSavingTimeTransition(after: cursor), next.timeIntervalSince1970 < 4_000_000_000 {
            let at = Int64(next.timeIntervalSince1970.rounded(.down))
            for seconds in [at - 1, at, at + 1] {
                let expected = Int64(system.secondsFromGMT(for: Date(timeIntervalSince1970: TimeInterval(seconds))))
                #expect(zone.offsetSeconds(at: Instant(epochSeconds: seconds)) == expected, "\(identifier) at \(seconds)")
            }
            checked += 1
            cursor = next
        }
        // Shanghai has had a few transitions (none since 1991); the DST zones have hundreds.
        #expect(checked >= (identifier == "Asia/Shanghai" ? 5 : 100))
    }

    /// Local times resolve to instants as the rules say, around every transition from 1970 to 2100 and far from them:
    /// the earliest instant that reads as the local time, or in a gap the local time at the offset before the gap.
    @Test(arguments: ["America/New_York", "Australia/Lord_Howe", "Europe/London", "America/Sao_Paulo", "Asia/Shanghai"])
    func localTimesResolveAsTheRulesSay(_ identifier: String) throws {
        let zone = try #require(Zone(identifier: identifier))
        let system = try #require(TimeZone(identifier: identifier))
        /// The reference: the offsets in force a day and a half either side (zones never change twice within two
        /// days), tried one by one.
        func expected(_ local: Int64) -> Int64 {
            let offsets = [local - 129_600, local + 129_600].map { zone.offsetSeconds(at: Instant(epochSeconds: $0)) }
            let valid = offsets.map { local - $0 }.filter { zone.offsetSeconds(at: Instant(epochSeconds: $0)) == local - $0 }
            return valid.min() ?? local - zone.offsetSeconds(at: Instant(epochSeconds: local - 86_400 - 14 * 3600))
        }
        var windows: [Int64] = [86_400 * 200, 86_400 * 20_000]  // mid-1970 and 2024, whatever the zone does then
        var cursor = Date(timeIntervalSince1970: 0)
        while let next = system.nextDaylightSavingTimeTransition(after: cursor), next.timeIntervalSince1970 < 4_102_444_800 {
            windows.append(Int64(next.timeIntervalSince1970.rounded(.down)))
            cursor = next
        }
        for center in windows {
            for local in stride(from: center - 14 * 3600, through: center + 14 * 3600, by: 900) {
                let resolved = zone.instant(of: LocalDateTime(localEpochSeconds: local))
                #expect(resolved.epochSeconds == expected(local), "\(identifier) local \(local)")
            }
        }
    }
}
