import CampaignDomain
import Kafka

/// Reads the demo's output topics, prints each job as a line and tallies jobs and decisions per plan.
final class JobPrinter {
    struct Tally: Sendable {
        var coupons: [String: Int] = [:]
        var notifications: [String: Int] = [:]
        var fired: [String: Int] = [:]
        var suppressed: [String: [String: Int]] = [:]
        var deadLetters: [String: Int] = [:]
        var jobIDs = Set<String>()
        var duplicateJobIDs = 0
    }

    private let reader: KafkaReader
    private let quiet: Bool
    private let zone: Zone
    private(set) var tally = Tally()

    /// - Parameter topics: each topic to read with its partition count.
    init(bootstrap: String, topics: [(name: String, partitions: Int)], quiet: Bool, zone: Zone, logHandler: @escaping KafkaLogHandler) throws {
        var partitions: [TopicPartitionOffset] = []
        for topic in topics {
            for partition in 0..<topic.partitions {
                partitions.append(TopicPartitionOffset(topic: topic.name, partition: Int32(partition), offset: TopicPartitionOffset.beginning))
            }
        }
        reader = try KafkaReader(properties: ["bootstrap.servers": bootstrap], partitions: partitions, logHandler: logHandler)
        self.quiet = quiet
        self.zone = zone
    }

    func drain() throws {
        while true {
            let records = try reader.poll(maxRecords: 500, timeout: .zero)
            if records.isEmpty { return }
            records.forEach(handle)
        }
    }

    func drainToEnd() throws {
        try reader.readToEnd(timeout: .seconds(20)).forEach(handle)
    }

    private func handle(_ record: ConsumerRecord) {
        guard let value = record.value else { return }
        if let reason = record.headers.first(where: { $0.key == "dlq-reason" })?.value {
            let code = String(decoding: reason, as: UTF8.self)
            tally.deadLetters[code, default: 0] += 1
            if !quiet { print("dead letter  \(code)  \(record.topic)-\(record.partition)") }
            return
        }
        guard let object = try? JSONParser.parse(value).objectValue else { return }
        let plan = object["plan"]?.objectValue?["id"]?.stringValue ?? "?"
        let member = object["memberId"]?.stringValue ?? "?"
        let trigger = object["trigger"]?.objectValue
        let firedAt = trigger?["firedAt"]?.stringValue.flatMap(Instant.init(rfc3339:))
        let when = firedAt.map { local($0) } ?? "?"
        switch object["schema"]?.stringValue {
        case "coupon-job/1":
            tally.coupons[plan, default: 0] += 1
            note(object["jobId"]?.stringValue)
            let template = object["coupon"]?.objectValue?["template"]?.stringValue ?? "?"
            if !quiet { print("\(when)  coupon  \(pad(template, 12))  \(member)  \(plan)") }
        case "notification-job/1":
            tally.notifications[plan, default: 0] += 1
            note(object["jobId"]?.stringValue)
            let notification = object["notification"]?.objectValue
            let text = "\(notification?["channel"]?.stringValue ?? "?")/\(notification?["template"]?.stringValue ?? "?")"
            if !quiet { print("\(when)  notify  \(pad(text, 12))  \(member)  \(plan)") }
        case "decision/1":
            if object["outcome"]?.stringValue == "fired" {
                tally.fired[plan, default: 0] += 1
            } else {
                tally.suppressed[plan, default: [:]][object["reason"]?.stringValue ?? "?", default: 0] += 1
            }
        default:
            break
        }
    }

    private func note(_ jobID: String?) {
        guard let jobID else { return }
        if !tally.jobIDs.insert(jobID).inserted { tally.duplicateJobIDs += 1 }
    }

    private func local(_ instant: Instant) -> String {
        let local = zone.localDateTime(of: instant)
        return "\(local.date) \(local.time)"
    }

    private func pad(_ text: String, _ width: Int) -> String {
        text.count >= width ? text : text + String(repeating: " ", count: width - text.count)
    }
}
