import CampaignDomain
import Kafka

/// The consumer lag per partition, read from librdkafka's statistics JSON (`statistics.interval.ms`).
///
/// Only what the metrics need is read: `topics.<topic>.partitions.<n>.consumer_lag`, for partitions the consumer
/// fetches (`desired`) with a known lag (librdkafka writes -1 when it has no committed offset or high watermark yet).
public struct ConsumerLagStatistics: Sendable, Equatable {
    /// Messages between the committed offset and the high watermark (the last stable offset under read_committed).
    public var lag: [TopicPartition: Int64]

    /// Parses the statistics JSON; nil when it is not the object librdkafka documents.
    public init?(json: [UInt8]) {
        guard let root = (try? JSONParser.parse(json))?.objectValue else { return nil }
        lag = [:]
        guard let topics = root["topics"]?.objectValue else { return }
        for (topic, value) in topics.members {
            guard let partitions = value.objectValue?["partitions"]?.objectValue else { continue }
            for (key, value) in partitions.members {
                // "-1" is librdkafka's internal unassigned-partition queue, not a real partition.
                guard let partition = Int32(key), partition >= 0, let stats = value.objectValue,
                    stats["desired"]?.boolValue ?? true,
                    let lag = stats["consumer_lag"]?.intValue, lag >= 0
                else { continue }
                self.lag[TopicPartition(topic: topic, partition: partition)] = Int64(lag)
            }
        }
    }
}
