import Foundation
import CampaignDomain

/// The worker's configuration: the JSON config file (CONTRACT §7) with environment-variable overrides.
public struct WorkerConfig: Sendable {
    /// librdkafka properties passed through as they are (`bootstrap.servers`, `security.protocol`, `sasl.*`, …).
    public var kafka: [String: String] = ["bootstrap.servers": "localhost:9092"]
    /// `kafka` properties whose values come from a file or an environment variable, resolved by `load`.
    public var kafkaReferences: [String: SecretReference] = [:]
    public var groupID = "campaign-worker"
    /// Static group membership (`group.instance.id`), e.g. the pod name.
    public var instanceID: String?
    public var processingGuarantee = ProcessingGuarantee.exactlyOnce
    public var topics = Topics()
    /// A plan file or a directory of plan files, re-read while the worker runs.
    public var plansPath: String?
    /// How often the plan path and the plans topic are checked for changes.
    public var plansReloadIntervalMillis = 2000
    /// Start even when some plan files are invalid (the invalid plans are reported and left out).
    public var plansSkipInvalidAtStart = false
    /// Where `run` serves `/metrics`, `/healthz` and `/readyz` (`HOST:PORT`, see `ListenAddress`).
    public var httpListen = "0.0.0.0:9464"
    public var programme = Programme()
    /// How often processed input offsets are committed, with the outputs and state changes they caused.
    public var commitIntervalMillis = 100
    /// Input records larger than this are dead-lettered unparsed.
    public var maxRecordBytes = 1 << 20
    /// The least severe log lines `run` writes.
    ///
    /// `debug` adds two lines per commit (`commit.started`, `commit.finished`), which the drills read to tell which
    /// records of a killed worker were in a commit it had not finished.
    public var logLevel = Logger.Level.info
    /// How many threads apply input to the partition stores at once (each store is worked on by one at a time).
    ///
    /// Defaults to the processors this process may run on, up to 8; set it to the container's CPU limit when that is
    /// lower, since the processor count does not see cgroup quotas.
    public var processingThreads = WorkerConfig.defaultProcessingThreads

    /// The processors this process may run on, up to 8.
    public static var defaultProcessingThreads: Int { min(max(1, ProcessInfo.processInfo.activeProcessorCount), 8) }

    public init() {}

    public struct Topics: Sendable, Equatable {
        public var activity = ["member-activity"]
        public var plans: String? = "campaign-plans"
        public var couponJobs = "coupon-jobs"
        public var notificationJobs = "notification-jobs"
        /// nil turns decision records off.
        public var decisions: String? = "campaign-decisions"
        public var deadLetters = "member-activity.dlq"

        public init() {}

        /// The topic an output role is written to; nil when that output is turned off.
        public func topic(for role: OutputRole) -> String? {
            switch role {
            case .couponJobs: couponJobs
            case .notificationJobs: notificationJobs
            case .decisions: decisions
            case .deadLetters: deadLetters
            }
        }
    }

    public enum ProcessingGuarantee: String, Sendable {
        case atLeastOnce = "at_least_once"
        case exactlyOnce = "exactly_once"
    }

    /// The engine these settings describe, for the given plans.
    public func engine(plans: [Plan], enforcesLateness: Bool = true) -> Engine {
        Engine(
            programme: programme, plans: plans, decisionsEnabled: topics.decisions != nil, enforcesLateness: enforcesLateness,
            decoder: EventDecoder(maxRecordBytes: maxRecordBytes))
    }
}
