/// Points that expire together at one instant (or never, when `expiresAt` is nil).
public struct PointsBucket: Sendable, Hashable {
    public var expiresAt: Instant?
    public var amount: Int64

    public init(expiresAt: Instant?, amount: Int64) {
        self.expiresAt = expiresAt
        self.amount = amount
    }
}

/// The member's points mirror: buckets ordered soonest-expiring first, never-expiring last.
///
/// Consumption (redemptions, negative adjustments, expiries, order rejections) always takes from the soonest-expiring
/// bucket first (CONTRACT §6).
public struct PointsLedger: Sendable, Hashable {
    public private(set) var buckets: [PointsBucket] = []

    public init(buckets: [PointsBucket] = []) {
        for bucket in buckets { add(bucket.amount, expiresAt: bucket.expiresAt) }
    }

    public var balance: Int64 { buckets.reduce(0) { $0 + $1.amount } }

    /// Adds points to the bucket expiring at `expiresAt`, creating it in order when new.
    public mutating func add(_ amount: Int64, expiresAt: Instant?) {
        guard amount > 0 else { return }
        if let index = buckets.firstIndex(where: { $0.expiresAt == expiresAt }) {
            buckets[index].amount += amount
            return
        }
        let index = buckets.firstIndex(where: { Self.expiresBefore(expiresAt, $0.expiresAt) }) ?? buckets.endIndex
        buckets.insert(PointsBucket(expiresAt: expiresAt, amount: amount), at: index)
    }

    /// Takes up to `amount` points, soonest-expiring first; returns how many were actually taken.
    @discardableResult
    public mutating func consume(_ amount: Int64) -> Int64 {
        var remaining = amount
        while remaining > 0, !buckets.isEmpty {
            let taken = min(buckets[0].amount, remaining)
            buckets[0].amount -= taken
            remaining -= taken
            if buckets[0].amount == 0 { buckets.removeFirst() }
        }
        return amount - remaining
    }

    /// Drops buckets whose expiry instant is at or before `now`.
    public mutating func dropExpired(at now: Instant) {
        while let first = buckets.first, let expiresAt = first.expiresAt, expiresAt <= now {
            buckets.removeFirst()
        }
    }

    /// Points left in the bucket expiring exactly at `instant`.
    public func points(expiringAt instant: Instant) -> Int64 {
        buckets.first(where: { $0.expiresAt == instant })?.amount ?? 0
    }

    public mutating func replace(with snapshot: [PointsBucket]) {
        buckets = []
        for bucket in snapshot { add(bucket.amount, expiresAt: bucket.expiresAt) }
    }

    private static func expiresBefore(_ lhs: Instant?, _ rhs: Instant?) -> Bool {
        switch (lhs, rhs) {
        case (.some(let l), .some(let r)): l < r
        case (.some, .none): true
        default: false
        }
    }
}
