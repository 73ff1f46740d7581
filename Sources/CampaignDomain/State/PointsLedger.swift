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
///
/// Stored compactly: the first bucket sits in the value itself (most members have one), later ones in an array that
/// is only allocated for a second bucket. A bucket is two words, the never-expiring one marked by a negated amount
/// (a bucket's amount is always positive, see `add`).
public struct PointsLedger: Sendable, Hashable {
    /// The soonest-expiring bucket; `Slot.empty` when there is none.
    private var head = Slot.empty
    /// The buckets after `head`, in order; empty unless `head` holds one.
    private var tail: [Slot] = []

    /// One bucket in two words.
    struct Slot: Sendable, Hashable {
        /// Milliseconds since the epoch; 0 when the bucket never expires.
        var expiresAt: Int64
        /// The amount, negated when the bucket never expires; 0 only for `empty`.
        var signedAmount: Int64

        static let empty = Slot(expiresAt: 0, signedAmount: 0)

        init(expiresAt: Int64, signedAmount: Int64) {
            self.expiresAt = expiresAt
            self.signedAmount = signedAmount
        }

        /// `amount` must be positive.
        init(_ amount: Int64, expiresAt: Instant?) {
            self.expiresAt = expiresAt?.epochMillis ?? 0
            signedAmount = expiresAt == nil ? -amount : amount
        }

        var expires: Instant? { signedAmount < 0 ? nil : Instant(epochMillis: expiresAt) }
        var amount: Int64 { signedAmount < 0 ? -signedAmount : signedAmount }
        var bucket: PointsBucket { PointsBucket(expiresAt: expires, amount: amount) }

        func expires(at instant: Instant?) -> Bool {
            guard let instant else { return signedAmount < 0 }
            return signedAmount > 0 && expiresAt == instant.epochMillis
        }
    }

    public init(buckets: [PointsBucket] = []) {
        for bucket in buckets { add(bucket.amount, expiresAt: bucket.expiresAt) }
    }

    /// The buckets, soonest-expiring first (built on each call: loops over buckets use `bucketCount`/`bucket(at:)`).
    public var buckets: [PointsBucket] { (0..<count).map { self[$0].bucket } }

    /// How many buckets there are.
    var bucketCount: Int { count }

    /// The bucket at `index` (0 is the soonest-expiring).
    func bucket(at index: Int) -> PointsBucket { self[index].bucket }

    /// The expiry instant of the bucket at `index`.
    func expiry(at index: Int) -> Instant? { self[index].expires }

    /// Whether both ledgers have buckets expiring at the same instants, in the same order.
    func hasSameExpiries(as other: PointsLedger) -> Bool {
        count == other.count && (0..<count).allSatisfy { self[$0].expires == other[$0].expires }
    }

    public var balance: Int64 { (0..<count).reduce(0) { $0 + self[$1].amount } }

    /// Adds points to the bucket expiring at `expiresAt`, creating it in order when new.
    public mutating func add(_ amount: Int64, expiresAt: Instant?) {
        guard amount > 0 else { return }
        if let index = (0..<count).first(where: { self[$0].expires(at: expiresAt) }) {
            let slot = self[index]
            self[index] = Slot(slot.amount + amount, expiresAt: expiresAt)
            return
        }
        let index = (0..<count).first(where: { Self.expiresBefore(expiresAt, self[$0].expires) }) ?? count
        insert(Slot(amount, expiresAt: expiresAt), at: index)
    }

    /// Takes up to `amount` points, soonest-expiring first; returns how many were actually taken.
    @discardableResult
    public mutating func consume(_ amount: Int64) -> Int64 {
        var remaining = amount
        while remaining > 0, count > 0 {
            let first = head
            let taken = min(first.amount, remaining)
            remaining -= taken
            if first.amount == taken {
                removeFirst()
            } else {
                head = Slot(first.amount - taken, expiresAt: first.expires)
            }
        }
        return amount - remaining
    }

    /// Drops buckets whose expiry instant is at or before `now`.
    public mutating func dropExpired(at now: Instant) {
        while count > 0, head.signedAmount > 0, head.expiresAt <= now.epochMillis {
            removeFirst()
        }
    }

    /// Points left in the bucket expiring exactly at `instant`.
    public func points(expiringAt instant: Instant) -> Int64 {
        (0..<count).first(where: { self[$0].expires(at: instant) }).map { self[$0].amount } ?? 0
    }

    public mutating func replace(with snapshot: [PointsBucket]) {
        self = PointsLedger(buckets: snapshot)
    }

    private var count: Int { head.signedAmount == 0 ? 0 : 1 + tail.count }

    private subscript(index: Int) -> Slot {
        get { index == 0 ? head : tail[index - 1] }
        set {
            if index == 0 { head = newValue } else { tail[index - 1] = newValue }
        }
    }

    private mutating func insert(_ slot: Slot, at index: Int) {
        if count == 0 {
            head = slot
        } else if index == 0 {
            tail.insert(head, at: 0)
            head = slot
        } else {
            tail.insert(slot, at: index - 1)
        }
    }

    private mutating func removeFirst() {
        head = tail.isEmpty ? .empty : tail.removeFirst()
    }

    private static func expiresBefore(_ lhs: Instant?, _ rhs: Instant?) -> Bool {
        switch (lhs, rhs) {
        case (.some(let l), .some(let r)): l < r
        case (.some, .none): true
        default: false
        }
    }
}
