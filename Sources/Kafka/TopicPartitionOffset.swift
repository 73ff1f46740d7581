/// A partition and an offset in it; for commits this is the next offset to consume.
public struct TopicPartitionOffset: Sendable, Hashable {
    /// The topic name.
    public var topic: String
    /// The partition number, from 0.
    public var partition: Int32
    /// The next offset to consume, or one of the logical offsets below.
    public var offset: Int64

    /// Creates a partition offset.
    public init(topic: String, partition: Int32, offset: Int64) {
        self.topic = topic
        self.partition = partition
        self.offset = offset
    }

    /// Creates a partition offset from a `TopicPartition`.
    public init(_ topicPartition: TopicPartition, offset: Int64) {
        self.init(topic: topicPartition.topic, partition: topicPartition.partition, offset: offset)
    }

    /// The partition without the offset.
    public var topicPartition: TopicPartition {
        TopicPartition(topic: topic, partition: partition)
    }

    /// Logical offset: the beginning of the partition (`RD_KAFKA_OFFSET_BEGINNING`).
    public static let beginning: Int64 = -2
    /// Logical offset: the end of the partition, only new records (`RD_KAFKA_OFFSET_END`).
    public static let end: Int64 = -1
    /// Logical offset: the committed offset, else `auto.offset.reset` (`RD_KAFKA_OFFSET_STORED`).
    public static let stored: Int64 = -1000
    /// No offset, e.g. nothing committed yet (`RD_KAFKA_OFFSET_INVALID`).
    public static let invalid: Int64 = -1001
}
