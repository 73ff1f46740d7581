import CampaignDomain
import Foundation

/// Where the worker reads the time; the only clock read in the process goes through this.
public protocol WorkerClock: Sendable {
    func now() -> Instant
}

/// Wall-clock time.
public struct SystemClock: WorkerClock {
    public init() {}

    public func now() -> Instant { Instant(epochMillis: Int64((Date().timeIntervalSince1970 * 1000).rounded(.down))) }
}

/// A virtual clock for drills and demos: reads V0 + (wall − W0) × rate (CONTRACT §7).
///
/// Giving a restarted worker the same anchor W0 continues the same virtual timeline.
public struct VirtualClock: WorkerClock {
    public let start: Instant
    public let rate: Double
    public let anchor: Instant
    private let wall: any WorkerClock

    public init(start: Instant, rate: Double, anchor: Instant? = nil, wall: any WorkerClock = SystemClock()) {
        self.start = start
        self.rate = rate
        self.wall = wall
        self.anchor = anchor ?? wall.now()
    }

    public func now() -> Instant {
        let elapsed = Double(wall.now().epochMillis - anchor.epochMillis) * rate
        return start.adding(millis: Int64(elapsed.rounded(.down)))
    }
}
