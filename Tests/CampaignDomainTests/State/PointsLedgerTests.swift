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

    @Test func aSecondBucketSpillsAndTheFirstMovesUpWhenTaken() {
        var ledger = PointsLedger()
        #expect(ledger.buckets.isEmpty && ledger == PointsLedger(buckets: []))
        ledger.add(100, expiresAt: nil)
        ledger.add(Int64.max - 1, expiresAt: Instant(epochMillis: 0))
        ledger.add(7, expiresAt: Instant(epochMillis: Int64.min))
        #expect(ledger.buckets == [
            PointsBucket(expiresAt: Instant(epochMillis: Int64.min), amount: 7),
            PointsBucket(expiresAt: Instant(epochMillis: 0), amount: Int64.max - 1), PointsBucket(expiresAt: nil, amount: 100),
        ])
        // The never-expiring bucket and one expiring at the epoch are different buckets.
        #expect(ledger.points(expiringAt: Instant(epochMillis: 0)) == Int64.max - 1)
        ledger.add(1, expiresAt: Instant(epochMillis: 0))
        #expect(ledger.points(expiringAt: Instant(epochMillis: 0)) == Int64.max)
        #expect(ledger.consume(8) == 8)
        #expect(ledger.buckets == [PointsBucket(expiresAt: Instant(epochMillis: 0), amount: Int64.max - 1), PointsBucket(expiresAt: nil, amount: 100)])
        ledger.dropExpired(at: Instant(epochMillis: 0))
        #expect(ledger.buckets == [PointsBucket(expiresAt: nil, amount: 100)])
        ledger.dropExpired(at: .max)
        #expect(ledger == PointsLedger(buckets: [PointsBucket(expiresAt: nil, amount: 100)]))
        #expect(ledger.consume(100) == 100 && ledger == PointsLedger())
        #expect(ledger.hashValue == PointsLedger().hashValue)
    }

    @Test func copiesChangeIndependently() {
        let original = PointsLedger(buckets: [PointsBucket(expiresAt: Instant(epochMillis: 5), amount: 1), PointsBucket(expiresAt: nil, amount: 2)])
        var copy = original
        copy.add(3, expiresAt: Instant(epochMillis: 4))
        copy.consume(1)
        #expect(original.buckets == [PointsBucket(expiresAt: Instant(epochMillis: 5), amount: 1), PointsBucket(expiresAt: nil, amount: 2)])
        #expect(copy.buckets == [PointsBucket(expiresAt: Instant(epochMillis: 4), amount: 2), PointsBucket(expiresAt: Instant(epochMillis: 5), amount: 1), PointsBucket(expiresAt: nil, amount: 2)])
    }

    /// The ledger as it was before its compact storage: a plain array of buckets.
    struct PlainLedger {
        var buckets: [PointsBucket] = []

        mutating func add(_ amount: Int64, expiresAt: Instant?) {
            guard amount > 0 else { return }
            if let index = buckets.firstIndex(where: { $0.expiresAt == expiresAt }) {
                buckets[index].amount += amount
                return
            }
            let index = buckets.firstIndex(where: { bucket in
                guard let expiresAt else { return false }
                return bucket.expiresAt.map { expiresAt < $0 } ?? true
            }) ?? buckets.endIndex
            buckets.insert(PointsBucket(expiresAt: expiresAt, amount: amount), at: index)
        }

        mutating func consume(_ amount: Int64) -> Int64 {
            var remaining = amount
            while remaining > 0, !buckets.isEmpty {
                let taken = min(buckets[0].amount, remaining)
                buckets[0].amount -= taken
                remaining -= taken
                if buckets[0].amount == 0 { buckets.removeFirst() }
            }
            return amount - remaining
        }

        mutating func dropExpired(at now: Instant) {
            while let first = buckets.first, let expiresAt = first.expiresAt, expiresAt <= now { buckets.removeFirst() }
        }
    }

    @Test func behavesLikeAPlainArrayOfBuckets() {
        var random = SplitMix64(seed: 3)
        for _ in 0..<200 {
            var ledger = PointsLedger()
            var plain = PlainLedger()
            for _ in 0..<30 {
                let expiry: Instant? = random.below(4) == 0 ? nil : Instant(epochMillis: Int64(random.below(6)) - 2)
                let amount = Int64(random.below(50)) - 5
                switch random.below(4) {
                case 0, 1:
                    ledger.add(amount, expiresAt: expiry)
                    plain.add(amount, expiresAt: expiry)
                case 2: #expect(ledger.consume(amount) == plain.consume(amount))
                default:
                    let now = Instant(epochMillis: Int64(random.below(6)) - 3)
                    ledger.dropExpired(at: now)
                    plain.dropExpired(at: now)
                }
                #expect(ledger.buckets == plain.buckets)
                #expect(ledger == PointsLedger(buckets: plain.buckets))
                #expect(ledger.balance == plain.buckets.reduce(0) { $0 + $1.amount })
                for instant in (-2...3).map({ Instant(epochMillis: Int64($0)) }) {
                    #expect(ledger.points(expiringAt: instant) == plain.buckets.first { $0.expiresAt == instant }?.amount ?? 0)
                }
            }
        }
    }
}
