import CampaignDomain
import Foundation
import Kafka

/// `campaign-worker config check`: loads a config as `run` would and reports everything wrong with it.
///
/// Checks the file (keys, values), the environment overrides, the `kafka` references (files readable, variables
/// set), every `kafka` property against librdkafka (known name, acceptable value; no connection is made), `http.listen`
/// and the plans at `plans.path`. The effective configuration is printed with secrets masked.
public struct ConfigCheck: Sendable {
    public var configPath: String
    public var environment: [String: String]

    public init(configPath: String, environment: [String: String]) {
        self.configPath = configPath
        self.environment = environment
    }

    public struct Report: Sendable {
        /// The effective configuration with secrets masked (nil when the file could not be loaded).
        public var effectiveConfig: String?
        /// Everything wrong, each naming where and what to change. Empty means `run` can start with this config.
        public var problems: [String] = []
        /// What was applied: environment overrides, where secrets came from, the plans found.
        public var notes: [String] = []

        public var isValid: Bool { problems.isEmpty }
    }

    public func run() -> Report {
        var report = Report()
        // The steps of WorkerConfig.load, so that problems with kafka references do not hide the checks after them.
        var config: WorkerConfig
        do throws(ConfigError) {
            guard let data = FileManager.default.contents(atPath: configPath) else {
                throw ConfigError(configPath, "cannot read the config file; check the path and permissions")
            }
            config = try WorkerConfig.parse(Array(data), source: configPath)
            try config.applyEnvironmentOverrides(environment)
        } catch {
            report.problems.append(error.description)
            return report
        }
        do {
            try config.resolveKafkaReferences(environment: environment)
        } catch {
            report.problems.append(error.description)
        }
        report.effectiveConfig = config.effectiveJSON()
        let overrides = environment.keys.filter {
            $0.hasPrefix("CAMPAIGN_WORKER_") && (Self.knownOverrides.contains($0) || $0.hasPrefix("CAMPAIGN_WORKER_KAFKA_"))
        }
        if !overrides.isEmpty { report.notes.append("environment overrides applied: \(overrides.sorted().joined(separator: ", "))") }
        let unknown = environment.keys.filter {
            $0.hasPrefix("CAMPAIGN_WORKER_") && !Self.knownOverrides.contains($0) && !$0.hasPrefix("CAMPAIGN_WORKER_KAFKA_")
        }
        // Not an error: Kubernetes service links (CAMPAIGN_WORKER_SERVICE_HOST, …) look like this too.
        for name in unknown.sorted() {
            report.notes.append("warning: \(name) is not a campaign-worker setting and is ignored; is it a typo?")
        }
        for (property, source) in config.kafkaSources(environment: environment).sorted(by: { $0.key < $1.key }) {
            report.notes.append("kafka.\(property) from \(source)\(KafkaSecrets.isSecret(property) ? " (masked)" : "")")
        }
        for error in KafkaProperties.problems(in: config.kafka, showingValues: { !KafkaSecrets.isSecret($0) }) {
            report.problems.append("kafka: \(error.message)")
        }
        if ListenAddress(config.httpListen) == nil {
            report.problems.append("http.listen: must be HOST:PORT, not \(config.httpListen)")
        }
        if let path = config.plansPath {
            let plans = PlanLoader.load(path: path, knownTiers: config.programme.tiers)
            if plans.errors.isEmpty {
                report.notes.append("\(plans.plans.count) plan(s) valid in \(path): \(plans.plans.map(\.id).joined(separator: ", "))")
            } else if config.plansSkipInvalidAtStart {
                // run starts anyway and leaves the invalid plans out.
                report.notes += plans.errors.map { "warning: plans.path: \($0) (left out: plans.skipInvalidAtStart is set)" }
            } else {
                report.problems += plans.errors.map { "plans.path: \($0)" }
            }
        } else if let topic = config.topics.plans {
            report.notes.append("plans come from the plans topic \(topic) only (no plans.path)")
        } else {
            report.problems.append("plans.path: not set and topics.plans is null; run needs a plan file or directory (or CAMPAIGN_WORKER_PLANS_PATH) or a plans topic")
        }
        return report
    }

    /// The named overrides of `WorkerConfig.environmentOverrides`.
    static let knownOverrides = Set(WorkerConfig.environmentOverrides.map(\.name).filter { !$0.contains("<") })
}
