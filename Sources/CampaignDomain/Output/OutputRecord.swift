/// Which output topic a record goes to; the runtime maps roles to configured topic names.
public enum OutputRole: String, Sendable, Hashable, CaseIterable {
    case couponJobs, notificationJobs, decisions, deadLetters
}

/// A record ready to produce: key, value and headers already encoded.
public struct OutputRecord: Sendable, Hashable {
    public var role: OutputRole
    public var key: [UInt8]?
    public var value: [UInt8]?
    public var headers: [Header]
    /// The plan that caused it, for metrics and summaries.
    public var planID: String?
    /// For jobs and decisions, what metrics count, so nothing parses the encoded value again.
    public var facts: Facts?

    public init(role: OutputRole, key: [UInt8]?, value: [UInt8]?, headers: [Header], planID: String? = nil, facts: Facts? = nil) {
        self.role = role
        self.key = key
        self.value = value
        self.headers = headers
        self.planID = planID
        self.facts = facts
    }

    /// The parts of a job or decision that metrics count, as written in its value.
    public struct Facts: Sendable, Hashable {
        /// `trigger.type`, `trigger.firedAt` and `createdAt`.
        public var triggerType: String
        public var firedAt: Instant
        public var createdAt: Instant
        /// A notification job's channel.
        public var channel: String?
        /// A decision's `outcome` and `reason`, and the reasons in its `suppressedActions`.
        public var outcome: String?
        public var reason: String?
        public var actionReasons: [String]

        public init(
            triggerType: String, firedAt: Instant, createdAt: Instant, channel: String? = nil, outcome: String? = nil,
            reason: String? = nil, actionReasons: [String] = []
        ) {
            self.triggerType = triggerType
            self.firedAt = firedAt
            self.createdAt = createdAt
            self.channel = channel
            self.outcome = outcome
            self.reason = reason
            self.actionReasons = actionReasons
        }
    }

    public struct Header: Sendable, Hashable {
        public var key: String
        public var value: [UInt8]

        public init(_ key: String, _ value: String) {
            self.key = key
            self.value = Array(value.utf8)
        }

        public init(_ key: String, bytes: [UInt8]) {
            self.key = key
            self.value = bytes
        }
    }

    public func header(_ key: String) -> String? {
        headers.first { $0.key == key }.map { String(decoding: $0.value, as: UTF8.self) }
    }
}
