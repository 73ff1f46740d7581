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
