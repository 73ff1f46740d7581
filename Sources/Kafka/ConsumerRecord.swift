/// A record read from a partition.
public struct ConsumerRecord: Sendable {
    /// The topic it was read from.
    public var topic: String
    /// The partition it was read from.
    public var partition: Int32
    /// Its offset in the partition; the next offset to commit is `offset + 1`.
    public var offset: Int64
    /// The key bytes, or nil when the record has no key.
    public var key: [UInt8]?
    /// The value bytes, or nil for a tombstone.
    public var value: [UInt8]?
    /// The record headers, in order.
    public var headers: [KafkaHeader]
    /// The record timestamp in milliseconds since the epoch, nil when unavailable.
    public var timestampMillis: Int64?

    /// Creates a record; public so fakes and tests can build records.
    public init(
        topic: String,
        partition: Int32,
        offset: Int64,
        key: [UInt8]? = nil,
        value: [UInt8]?,
        headers: [KafkaHeader] = [],
        timestampMillis: Int64? = nil
    ) {
        self.topic = topic
        self.partition = partition
        self.offset = offset
        self.key = key
        self.value = value
        self.headers = headers
        self.timestampMillis = timestampMillis
    }

    /// The topic and partition of this record.
    public var topicPartition: TopicPartition {
        TopicPartition(topic: topic, partition: partition)
    }

    /// The offset to commit once this record is processed (`offset + 1`).
    public var nextOffset: TopicPartitionOffset {
        TopicPartitionOffset(topic: topic, partition: partition, offset: offset + 1)
    }
}
