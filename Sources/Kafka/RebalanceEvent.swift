/// What a rebalance did, as seen by the consumer's rebalance callback.
///
/// With cooperative-sticky assignment the lists are increments, not the whole assignment.
public enum RebalanceEvent: Sendable, Equatable {
    /// Partitions added to this consumer's assignment.
    case assigned([TopicPartition])
    /// Partitions taken away in an orderly rebalance; offsets may still be committed.
    case revoked([TopicPartition])
    /// Partitions lost involuntarily (e.g. session timeout); another member may own them already.
    case lost([TopicPartition])
}

/// Called inside the rebalance callback, on the thread that calls `poll` or `close`, just before `partitions` are
/// given up; `lost` is true when they were lost involuntarily (another member may own them already).
///
/// The partitions are still assigned while it runs, so an orderly revocation can still commit offsets for them
/// (e.g. commit the current transaction). It must not call `poll` or `close` on the same consumer.
public typealias RevocationHandler = @Sendable (_ partitions: [TopicPartition], _ lost: Bool) -> Void
