import CampaignDomain
import Foundation

extension WorkerConfig {
    /// Reads a config file and applies environment overrides; every problem is reported with its location.
    public static func load(path: String, environment: [String: String]) throws(ConfigError) -> WorkerConfig {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ConfigError(path, "cannot read the config file; check the path and permissions")
        }
        var config = try parse(Array(data), source: path)
        try config.applyEnvironmentOverrides(environment)
        try config.resolveKafkaReferences(environment: environment)
        return config
    }

    /// Parses config JSON. Unknown keys are errors, so a typo never silently falls back to a default.
    public static func parse(_ bytes: [UInt8], source: String) throws(ConfigError) -> WorkerConfig {
        let json: JSONValue
        do {
            json = try JSONParser.parse(bytes)
        } catch {
            throw ConfigError(source, error.description)
        }
        var reader = ConfigReader(source: source)
        let config = reader.read(json)
        if let first = reader.errors.first {
            throw reader.errors.count == 1 ? first : ConfigError(source, reader.errors.map { "\($0.location.dropFirst(source.count + 2)): \($0.reason)" }.joined(separator: "; "))
        }
        return config
    }

    /// Environment variables an operator sets per deployment.
    public static let environmentOverrides: [(name: String, meaning: String)] = [
        ("CAMPAIGN_WORKER_BOOTSTRAP_SERVERS", "kafka.bootstrap.servers"),
        ("CAMPAIGN_WORKER_GROUP_ID", "groupId"),
        ("CAMPAIGN_WORKER_INSTANCE_ID", "instanceId (group.instance.id)"),
        ("CAMPAIGN_WORKER_ACTIVITY_TOPICS", "topics.activity (comma-separated)"),
        ("CAMPAIGN_WORKER_PLANS_TOPIC", "topics.plans"),
        ("CAMPAIGN_WORKER_COUPON_JOBS_TOPIC", "topics.couponJobs"),
        ("CAMPAIGN_WORKER_NOTIFICATION_JOBS_TOPIC", "topics.notificationJobs"),
        ("CAMPAIGN_WORKER_DECISIONS_TOPIC", "topics.decisions (empty turns decisions off)"),
        ("CAMPAIGN_WORKER_DEAD_LETTERS_TOPIC", "topics.deadLetters"),
        ("CAMPAIGN_WORKER_PLANS_PATH", "plans.path"),
        ("CAMPAIGN_WORKER_LOG_LEVEL", "logLevel (debug, info, warning or error)"),
        ("CAMPAIGN_WORKER_PROCESSING_THREADS", "processingThreads (e.g. the container's CPU limit)"),
        ("CAMPAIGN_WORKER_KAFKA_<PROPERTY>", "any librdkafka property: dots become underscores, e.g. CAMPAIGN_WORKER_KAFKA_SASL_PASSWORD"),
    ]

    /// Applies the documented `CAMPAIGN_WORKER_*` environment overrides.
    public mutating func applyEnvironmentOverrides(_ environment: [String: String]) throws(ConfigError) {
        if let value = environment["CAMPAIGN_WORKER_BOOTSTRAP_SERVERS"] { kafka["bootstrap.servers"] = value }
        if let value = environment["CAMPAIGN_WORKER_GROUP_ID"] {
            guard !value.isEmpty else { throw ConfigError("CAMPAIGN_WORKER_GROUP_ID", "must not be empty") }
            groupID = value
        }
        if let value = environment["CAMPAIGN_WORKER_INSTANCE_ID"] { instanceID = value.isEmpty ? nil : value }
        if let value = environment["CAMPAIGN_WORKER_ACTIVITY_TOPICS"] {
            let topics = value.split(separator: ",").map { String($0).trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
            guard !topics.isEmpty else { throw ConfigError("CAMPAIGN_WORKER_ACTIVITY_TOPICS", "must name at least one topic") }
            self.topics.activity = topics
        }
        if let value = environment["CAMPAIGN_WORKER_PLANS_TOPIC"] { topics.plans = value.isEmpty ? nil : value }
        if let value = environment["CAMPAIGN_WORKER_COUPON_JOBS_TOPIC"], !value.isEmpty { topics.couponJobs = value }
        if let value = environment["CAMPAIGN_WORKER_NOTIFICATION_JOBS_TOPIC"], !value.isEmpty { topics.notificationJobs = value }
        if let value = environment["CAMPAIGN_WORKER_DECISIONS_TOPIC"] { topics.decisions = value.isEmpty ? nil : value }
        if let value = environment["CAMPAIGN_WORKER_DEAD_LETTERS_TOPIC"], !value.isEmpty { topics.deadLetters = value }
        if let value = environment["CAMPAIGN_WORKER_PLANS_PATH"] { plansPath = value.isEmpty ? nil : value }
        if let value = environment["CAMPAIGN_WORKER_LOG_LEVEL"] {
            guard let level = Logger.Level(rawValue: value) else {
                throw ConfigError("CAMPAIGN_WORKER_LOG_LEVEL", "must be \(Logger.Level.names), not \(value)")
            }
            logLevel = level
        }
        if let value = environment["CAMPAIGN_WORKER_PROCESSING_THREADS"] {
            guard let threads = Int(value), (1...64).contains(threads) else {
                throw ConfigError("CAMPAIGN_WORKER_PROCESSING_THREADS", "must be a whole number of threads from 1 to 64, not \(value)")
            }
            processingThreads = threads
        }
        let prefix = "CAMPAIGN_WORKER_KAFKA_"
        for (name, value) in environment where name.hasPrefix(prefix) && name.count > prefix.count {
            kafka[name.dropFirst(prefix.count).lowercased().replacingOccurrences(of: "_", with: ".")] = value
        }
    }
}
