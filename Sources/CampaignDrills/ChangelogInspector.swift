import CampaignDomain
import Foundation
import Kafka

/// `campaign-drills --inspect-changelog TOPIC --member ID`: every committed changelog record of one member, decoded,
/// for finding out why a drill lost or changed a job.
enum ChangelogInspector {
    static func print(bootstrap: String, topic: String, member: String) throws {
        let admin = try KafkaAdmin(properties: ["bootstrap.servers": bootstrap], logHandler: { _, _, _ in })
        let partitions = try admin.partitionCount(topic: topic, timeout: .seconds(10)) ?? 0
        let reader = try KafkaReader(
            properties: ["bootstrap.servers": bootstrap, "isolation.level": "read_committed"],
            partitions: (0..<partitions).map { TopicPartitionOffset(topic: topic, partition: Int32($0), offset: TopicPartitionOffset.beginning) },
            logHandler: { _, _, _ in })
        for record in try reader.readToEnd(timeout: .seconds(30)) where record.key == Array(member.utf8) {
            guard let value = record.value else {
                Swift.print("[\(record.partition)@\(record.offset)] tombstone")
                continue
            }
            let state = try MemberStateCodec.decode(value)
            Swift.print(
                "[\(record.partition)@\(record.offset)] horizon \(state.horizon) nextDue \(state.nextDue.map(\.rfc3339) ?? "-") points \(state.points.buckets.map { "\($0.amount)@\($0.expiresAt?.rfc3339 ?? "never")" }) occurrences \(state.occurrences.entries.map { "\($0.planID):\($0.occurrence)" })"
            )
        }
    }
}
