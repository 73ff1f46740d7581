import Kafka
import Synchronization

/// Liveness and readiness of the worker, as `/healthz` and `/readyz` report them.
///
/// - Alive: the worker loop made progress within `stallTimeout` (or has not started looping yet).
/// - Ready: the consumer joined the group (its first assignment arrived, even an empty one), no assigned partition is
///   still restoring its state, and no stop was requested.
///
/// Thread-safe: the worker thread reports, the HTTP thread reads. Whoever restores partition state (the changelog
/// restore) calls `setRestoring` with the partitions still restoring, and an empty set when done.
public final class WorkerHealth: Sendable {
    /// How long the loop may go without a step before `/healthz` fails. A step can block in a producer flush for up
    /// to 60 s, so the default leaves room for that.
    public let stallTimeout: Duration

    private struct State {
        var lastBeat: ContinuousClock.Instant?
        var joined = false
        var restoring: Set<TopicPartition> = []
        var stopping = false
    }

    private let state = Mutex(State())

    public init(stallTimeout: Duration = .seconds(120)) {
        self.stallTimeout = stallTimeout
    }

    /// The loop finished a step (poll, apply, fire, produce).
    public func beat(at instant: ContinuousClock.Instant = .now) {
        state.withLock { $0.lastBeat = instant }
    }

    /// The consumer received an assignment from the group (possibly empty).
    public func joinedGroup() {
        state.withLock { $0.joined = true }
    }

    /// The partitions whose state is still being restored; readiness waits for the set to be empty.
    public func setRestoring(_ partitions: Set<TopicPartition>) {
        state.withLock { $0.restoring = partitions }
    }

    /// A stop was requested: the worker finishes its batch and leaves, so it is no longer ready.
    public func stopping() {
        state.withLock { $0.stopping = true }
    }

    /// What `/readyz` answers.
    public enum Readiness: Sendable, Equatable {
        case ready
        case notReady(String)
    }

    public var readiness: Readiness {
        state.withLock { state in
            if state.stopping { return .notReady("stopping") }
            if !state.joined { return .notReady("waiting for a partition assignment from the consumer group") }
            if !state.restoring.isEmpty {
                let names = state.restoring.sorted().map { "\($0.topic)-\($0.partition)" }
                return .notReady("restoring state of \(names.count) partition(s): \(names.joined(separator: ", "))")
            }
            return .ready
        }
    }

    /// What `/healthz` answers at `now`: nil when alive, else why not.
    public func stall(at now: ContinuousClock.Instant = .now) -> String? {
        state.withLock { state in
            guard let last = state.lastBeat, now - last > stallTimeout else { return nil }
            return "the worker loop made no progress for \((now - last).components.seconds) s (limit \(stallTimeout.components.seconds) s)"
        }
    }
}
