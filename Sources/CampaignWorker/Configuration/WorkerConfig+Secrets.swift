import Foundation

extension WorkerConfig {
    /// The `CAMPAIGN_WORKER_KAFKA_*` variable that overrides a librdkafka property (`sasl.password` →
    /// `CAMPAIGN_WORKER_KAFKA_SASL_PASSWORD`).
    public static func environmentVariable(forKafkaProperty property: String) -> String {
        "CAMPAIGN_WORKER_KAFKA_" + property.uppercased().replacingOccurrences(of: ".", with: "_")
    }

    /// Reads every `kafka` reference that no environment override replaced, then checks that `kafka` does not set what
    /// the worker sets itself. `load` calls this after the environment overrides.
    public mutating func resolveKafkaReferences(environment: [String: String]) throws(ConfigError) {
        var problems: [ConfigError] = []
        for property in kafkaReferences.keys.sorted() {
            guard let reference = kafkaReferences[property] else { continue }
            if environment[Self.environmentVariable(forKafkaProperty: property)] != nil {
                kafkaReferences[property] = nil  // the environment override wins
                continue
            }
            do {
                kafka[property] = try reference.resolve(for: property, environment: environment)
            } catch {
                problems.append(error)
            }
        }
        for property in kafka.keys.sorted() {
            if let reason = KafkaSecrets.conflict(property, value: kafka[property] ?? "") {
                problems.append(ConfigError("kafka.\(property)", reason))
            }
        }
        if let first = problems.first {
            throw problems.count == 1 ? first : ConfigError("kafka", problems.map(\.description).joined(separator: "; "))
        }
    }

    /// Where each `kafka` value came from when it is not the config file itself: a reference or an override variable.
    public func kafkaSources(environment: [String: String]) -> [String: String] {
        var sources: [String: String] = [:]
        for property in kafka.keys {
            let variable = Self.environmentVariable(forKafkaProperty: property)
            if environment[variable] != nil {
                sources[property] = "environment variable \(variable)"
            } else if let reference = kafkaReferences[property] {
                sources[property] = reference.description
            }
        }
        if environment["CAMPAIGN_WORKER_BOOTSTRAP_SERVERS"] != nil {
            sources["bootstrap.servers"] = "environment variable CAMPAIGN_WORKER_BOOTSTRAP_SERVERS"
        }
        return sources
    }
}
