import CampaignDomain
import Kafka

/// Reads the compacted plans topic from its beginning and keeps following it.
///
/// Each record is keyed by plan id; its value is one plan's JSON, or a tombstone that deletes the plan.
final class PlansTopicSource {
    let topic: String
    private let reader: KafkaReader

    init(topic: String, partitions: Int, properties: [String: String], logHandler: @escaping KafkaLogHandler) throws(KafkaError) {
        self.topic = topic
        reader = try KafkaReader(
            properties: properties,
            partitions: (0..<partitions).map { TopicPartitionOffset(topic: topic, partition: Int32($0), offset: TopicPartitionOffset.beginning) },
            logHandler: logHandler)
    }

    /// Everything up to the topic's current end (used once at start-up, before any activity is processed).
    func readToEnd(into catalog: inout PlanCatalog) throws(KafkaError) -> PlanCatalog.Update {
        apply(try reader.readToEnd(timeout: .seconds(30)), to: &catalog)
    }

    /// Whatever arrived since the last call, without waiting.
    func poll(into catalog: inout PlanCatalog) throws(KafkaError) -> PlanCatalog.Update {
        apply(try reader.poll(maxRecords: 1000, timeout: .zero), to: &catalog)
    }

    private func apply(_ records: [ConsumerRecord], to catalog: inout PlanCatalog) -> PlanCatalog.Update {
        var total = PlanCatalog.Update()
        for record in records {
            let source = "topic \(record.topic) partition \(record.partition) offset \(record.offset)"
            guard let key = record.key.map({ String(decoding: $0, as: UTF8.self) }), !key.isEmpty else {
                total.rejected.append(PlanError(source: source, path: "$", reason: "a plans-topic record needs the plan id as its key"))
                continue
            }
            let update = catalog.updateTopic(planID: key, value: record.value, source: source)
            total.changed = total.changed || update.changed
            total.rejected += update.rejected
        }
        return total
    }
}
