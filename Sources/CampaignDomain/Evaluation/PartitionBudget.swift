/// This partition's share of each plan's `limits.totalCoupons`, and what it has issued.
///
/// The exact scheme without coordination between replicas: partition p of P owns ⌊total / P⌋ coupons, plus one when
/// p < total mod P. Shares add up to the total, and each partition is owned by one worker at a time, so the total is
/// never exceeded. A partition whose members fire more often can exhaust its share while others still have some.
public struct PartitionBudget: Sendable, Hashable {
    public var partition: Int
    public var partitionCount: Int
    /// Coupons issued per plan id by this partition.
    public var issued: [String: Int] = [:]

    public init(partition: Int = 0, partitionCount: Int = 1) {
        self.partition = partition
        self.partitionCount = max(partitionCount, 1)
    }

    /// This partition's share of `total`.
    public func share(of total: Int) -> Int {
        total / partitionCount + (partition < total % partitionCount ? 1 : 0)
    }

    /// Whether `coupons` more coupons of `plan` fit in this partition's share.
    public func allows(_ coupons: Int, of plan: Plan) -> Bool {
        guard let total = plan.limits.totalCoupons, coupons > 0 else { return true }
        return issued[plan.id, default: 0] + coupons <= share(of: total)
    }
}
