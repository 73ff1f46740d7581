import CampaignDomain
import Synchronization

/// Counters the worker keeps while it runs, readable from other threads (demo summary, logs, tests).
public final class WorkerStatistics: Sendable {
    public struct Snapshot: Sendable, Hashable {
        public var consumed = 0
        public var applied = 0
        public var duplicates = 0
        public var ignoredUnknownType = 0
        public var erased = 0
        public var deadLettered = 0
        public var produced: [OutputRole: Int] = [:]
        public var commits = 0
        /// Times the effective plan set changed while running, and plan versions rejected as invalid.
        public var planReloads = 0
        public var planRejections = 0
        /// The running plans as `id@version`.
        public var activePlans: [String] = []
        public var assignedPartitions: [String] = []
    }

    private let state = Mutex(Snapshot())

    public init() {}

    public var snapshot: Snapshot { state.withLock { $0 } }

    func update(_ body: (inout Snapshot) -> Void) { state.withLock { body(&$0) } }
}
