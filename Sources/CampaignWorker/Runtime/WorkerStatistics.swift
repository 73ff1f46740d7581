import CampaignDomain
import Synchronization

/// Counters the worker keeps while it runs, readable from other threads (demo summary, logs, health and tests).
public final class WorkerStatistics: Sendable {
    public struct Snapshot: Sendable, Hashable {
        public var consumed = 0
        public var applied = 0
        public var duplicates = 0
        public var ignoredUnknownType = 0
        public var erased = 0
        public var deadLettered = 0
        public var produced: [OutputRole: Int] = [:]
        /// Commits: transactions committed (exactly_once) or offset commits after delivery (at_least_once).
        public var commits = 0
        /// `consumed` as it was at the last commit: every record counted there has its offset committed.
        public var consumedAtLastCommit = 0
        /// Times the effective plan set changed while running, and plan versions rejected as invalid.
        public var planReloads = 0
        public var planRejections = 0
        /// The running plans as `id@version`.
        public var activePlans: [String] = []
        public var assignedPartitions: [String] = []
        /// Whether the worker's clients are up and it joined its group (false before the first assignment, while the
        /// clients are recreated, and after stop).
        public var running = false
        /// Input partition numbers whose state is being restored from the changelog.
        public var restoringPartitions: [Int32] = []
        /// Members read back from the changelog by every restore so far.
        public var restoredMembers = 0
        /// Changelog records written (member states and tombstones).
        public var changelogRecords = 0
        /// Batches abandoned and re-processed from the committed offsets (aborted transactions, failed deliveries).
        public var rewinds = 0
        /// Times the producer/consumer pair was torn down and recreated after a fatal error.
        public var clientRestarts = 0

        /// Ready (`/readyz`): the group is joined and no partition is restoring.
        public var isReady: Bool { running && restoringPartitions.isEmpty }
    }

    private let state = Mutex(Snapshot())

    public init() {}

    public var snapshot: Snapshot { state.withLock { $0 } }

    /// Whether the worker is ready: it joined its group and no partition is restoring its state.
    public var isReady: Bool { snapshot.isReady }

    func update(_ body: (inout Snapshot) -> Void) { state.withLock { body(&$0) } }
}
