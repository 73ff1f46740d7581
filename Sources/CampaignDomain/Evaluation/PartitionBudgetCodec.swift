/// The changelog record of a partition's coupon budget: what the partition issued per plan.
///
/// It shares the member-state changelog, under a key no member id can have (`key`: a 0xFF byte, never valid UTF-8),
/// so the partition's share of `limits.totalCoupons` survives restarts and moves like member state does.
/// Format 1: the format byte, the number of plans (varint), then per plan its id (length-prefixed UTF-8) and the
/// coupons issued (varint).
public enum PartitionBudgetCodec {
    public static let formatVersion: UInt8 = 1
    /// The changelog key of the budget record.
    public static let key: [UInt8] = [0xFF] + Array("partition-budget".utf8)

    public static func encode(_ issued: [String: Int]) -> [UInt8] {
        var out = ByteWriter()
        out.bytes.append(formatVersion)
        out.varint(UInt64(issued.count))
        for (planID, count) in issued.sorted(by: { $0.key < $1.key }) {
            out.string(planID)
            out.varint(UInt64(max(count, 0)))
        }
        return out.bytes
    }

    public static func decode(_ bytes: [UInt8]) throws(MemberStateDecodingError) -> [String: Int] {
        guard let format = bytes.first else { throw MemberStateDecodingError(.empty, field: "budget") }
        guard format == formatVersion else { throw MemberStateDecodingError(.unsupportedFormat(format), field: "budget") }
        return try ByteReader.withReader(over: bytes, from: 1, field: "budget") { reader throws(MemberStateDecodingError) in
            var issued: [String: Int] = [:]
            for _ in 0..<(try reader.count()) {
                let planID = try reader.string()
                let count = try reader.varint()
                guard count <= UInt64(Int.max) else { throw reader.invalid("count \(count)") }
                issued[planID] = Int(count)
            }
            guard reader.isAtEnd else { throw reader.invalid("\(reader.remaining) bytes after the last plan") }
            return issued
        }
    }
}

extension PartitionStore {
    /// The budget record to write when the partition issued coupons since the last checkpoint, else nil.
    public func pendingBudgetRecord() -> [UInt8]? {
        guard budget.issued != (checkpointed?.budget.issued ?? [:]) else { return nil }
        return PartitionBudgetCodec.encode(budget.issued)
    }

    /// Takes the partition's issued counts from its changelog record (during a restore).
    public mutating func restoreBudget(_ bytes: [UInt8]) throws(MemberStateDecodingError) {
        budget.issued = try PartitionBudgetCodec.decode(bytes)
    }
}
