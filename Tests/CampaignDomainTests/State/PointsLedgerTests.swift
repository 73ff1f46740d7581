import CampaignDomain
import TestSupport
import Testing

@Suite struct PointsLedgerTests {
    let shanghai = Zone(identifier: "Asia/Shanghai")!

    @Test func endOfYearAfterMatchesTheContractExample() {
        // Points earned in 2014 with N=1 are usable until 2015-12-31 and gone at 2016-01-01 00:00 programme-local.
        let policy = PointsExpiryPolicy.endOfYearAfter(years: 1)
        #expect(policy.expiry(earnedAt: Instant.at("2014-05-01T10:00:00+08:00"), programmeZone: shanghai) == Instant.at("2016-01-01T00:00:00+08:00"))
        // The earning year is the programme's local year: 2014-12-31T20:00Z is already 2015 in Shanghai.
        #expect(policy.expiry(earnedAt: Instant.at("2014-12-31T20:00:00Z"), programmeZone: shanghai) == Instant.at("2017-01-01T00:00:00+08:00"))
    }

    @Test func rollingAndNever() {
        #expect(PointsExpiryPolicy.rolling(ISODuration("P12M")!).expiry(earnedAt: Instant.at("2026-01-31T10:00:00+08:00"), programmeZone: shanghai) == Instant.at("2027-01-31T10:00:00+08:00"))
        #expect(PointsExpiryPolicy.never.expiry(earnedAt: Instant.at("2026-01-31T10:00:00Z"), programmeZone: shanghai) == nil)
    }

    @Test func consumesSoonestExpiringFirst() {
        var ledger = PointsLedger()
        ledger.add(100, expiresAt: nil)
        ledger.add(50, expiresAt: Instant.at("2027-01-01T00:00:00Z"))
        ledger.add(30, expiresAt: Instant.at("2026-06-01T00:00:00Z"))
        ledger.add(20, expiresAt: Instant.at("2027-01-01T00:00:00Z"))
        #expect(ledger.buckets.map(\.amount) == [30, 70, 100])
        #expect(ledger.consume(40) == 40)
        #expect(ledger.buckets.map(\.amount) == [60, 100])
        #expect(ledger.points(expiringAt: Instant.at("2027-01-01T00:00:00Z")) == 60)
        #expect(ledger.consume(500) == 160)
        #expect(ledger.balance == 0)
    }

    @Test func dropsExpiredBuckets() {
        var ledger = PointsLedger()
        ledger.add(30, expiresAt: Instant.at("2026-06-01T00:00:00Z"))
        ledger.add(70, expiresAt: Instant.at("2027-01-01T00:00:00Z"))
        ledger.dropExpired(at: Instant.at("2026-06-01T00:00:00Z"))
        #expect(ledger.balance == 70)
    }
}
