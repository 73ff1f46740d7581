/// A record to produce.
public struct ProducerRecord: Sendable {
    /// The destination topic.
    public var topic: String
    /// The destination partition; nil lets the configured partitioner choose (`RD_KAFKA_PARTITION_UA`).
    public var partition: Int32?
    /// The key bytes, or nil for no key.
    public var key: [UInt8]?
    /// The value bytes; nil produces a tombstone.
    public var value: [UInt8]?
    /// The record headers, in order.
    public var headers: [KafkaHeader]

    /// Creates a record; `partition`, `key` and `headers` default to none.
    public init(
        topic: String,
        partition: Int32? = nil,
        key: [UInt8]? = nil,
        value: [UInt8]?,
        headers: [KafkaHeader] = []
    ) {
        self.topic = topic
        self.partition = partition
        self.key = key
        self.value = value
        self.headers = headers
    }
}
