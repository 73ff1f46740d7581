/// A topic for `KafkaAdmin.createTopics`.
public struct NewTopic: Sendable {
    /// The topic name.
    public var name: String
    /// The number of partitions.
    public var partitions: Int
    /// The replication factor; -1 uses the broker's `default.replication.factor`.
    public var replicationFactor: Int
    /// Topic configuration, e.g. `["cleanup.policy": "compact"]`.
    public var config: [String: String]

    /// Creates a topic description; replication factor defaults to the broker default (-1).
    public init(name: String, partitions: Int, replicationFactor: Int = -1, config: [String: String] = [:]) {
        self.name = name
        self.partitions = partitions
        self.replicationFactor = replicationFactor
        self.config = config
    }
}
