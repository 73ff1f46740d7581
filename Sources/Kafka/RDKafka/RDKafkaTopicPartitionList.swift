import CRdKafka

/// Owns an `rd_kafka_topic_partition_list_t` and frees it in deinit.
///
/// Ownership: lists we create with `rd_kafka_topic_partition_list_new`, and lists librdkafka hands
/// over (e.g. from `rd_kafka_assignment`), are ours to destroy; lists passed into callbacks are
/// borrowed and must only be read with the static `offsets(in:)`.
final class RDKafkaTopicPartitionList {
    let pointer: UnsafeMutablePointer<rd_kafka_topic_partition_list_t>

    /// Creates a list of partitions with offsets (`rd_kafka_topic_partition_list_add` copies topics).
    init(_ offsets: [TopicPartitionOffset]) {
        pointer = rd_kafka_topic_partition_list_new(Int32(clamping: offsets.count))
        for item in offsets {
            let element = rd_kafka_topic_partition_list_add(pointer, item.topic, item.partition)
            element?.pointee.offset = item.offset
        }
    }

    /// Creates a list of partitions with the invalid offset.
    convenience init(_ partitions: [TopicPartition]) {
        self.init(partitions.map { TopicPartitionOffset($0, offset: TopicPartitionOffset.invalid) })
    }

    /// Takes ownership of a list that librdkafka returned to us.
    init(owning pointer: UnsafeMutablePointer<rd_kafka_topic_partition_list_t>) {
        self.pointer = pointer
    }

    deinit {
        rd_kafka_topic_partition_list_destroy(pointer)
    }

    /// The elements with their offsets and per-partition errors.
    var elements: [(TopicPartitionOffset, rd_kafka_resp_err_t)] {
        RDKafkaTopicPartitionList.elements(in: pointer)
    }

    /// The first per-partition error, as a KafkaError for `operation`.
    func firstError(operation: String) -> KafkaError? {
        for (item, err) in elements where err != RD_KAFKA_RESP_ERR_NO_ERROR {
            return KafkaError(operation: "\(operation) (\(item.topic) [\(item.partition)])", error: err)
        }
        return nil
    }

    /// Reads a list without taking ownership (for borrowed lists such as the rebalance callback's).
    static func elements(in list: UnsafePointer<rd_kafka_topic_partition_list_t>?)
        -> [(TopicPartitionOffset, rd_kafka_resp_err_t)]
    {
        guard let list, let elems = list.pointee.elems else { return [] }
        return (0..<Int(list.pointee.cnt)).map { index in
            let element = elems[index]
            let topic = element.topic.map { String(cString: $0) } ?? ""
            return (TopicPartitionOffset(topic: topic, partition: element.partition, offset: element.offset), element.err)
        }
    }

    /// Reads a borrowed list's partitions, sorted.
    static func partitions(in list: UnsafePointer<rd_kafka_topic_partition_list_t>?) -> [TopicPartition] {
        elements(in: list).map { $0.0.topicPartition }.sorted()
    }
}
