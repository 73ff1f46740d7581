import CampaignDomain
import CampaignWorker
import Synchronization

/// A clock tests move by hand, so time rules are checked without sleeping.
public final class ManualClock: WorkerClock {
    private let current: Mutex<Instant>

    public init(_ start: Instant) { current = Mutex(start) }

    public func now() -> Instant { current.withLock { $0 } }

    public func set(_ instant: Instant) { current.withLock { $0 = instant } }
}
