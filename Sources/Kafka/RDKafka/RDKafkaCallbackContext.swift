import CRdKafka
import Synchronization

/// The state that librdkafka's C callbacks write into, reached through the client's opaque pointer.
///
/// Owned (strongly) by `RDKafkaClient`, which destroys its `rd_kafka_t` before releasing this, so the
/// unretained opaque pointer librdkafka holds is valid for every callback librdkafka can make.
final class RDKafkaCallbackContext: Sendable {
    /// Delivery report counters and the first failure since the last `takeFirstDeliveryError()`.
    private struct DeliveryState {
        var delivered = 0
        var failed = 0
        var firstError: KafkaError?
        /// The stage records sent now belong to (see `KafkaProducer.mark()`).
        var stage = 0
        /// Records sent and not yet reported, by stage; a stage with none has no entry.
        var outstanding: [Int: Int] = [:]

        mutating func settle(_ stage: Int) {
            let left = outstanding[stage, default: 0] - 1
            outstanding[stage] = left > 0 ? left : nil
        }
    }

    /// Non-fatal errors seen by the consumer poll loop or the rebalance callback.
    private struct ErrorState {
        var count = 0
        var last: KafkaError?
    }

    /// Where librdkafka log lines go; nil keeps librdkafka's default logger (stderr).
    let logHandler: KafkaLogHandler?
    /// Where librdkafka's statistics JSON goes; nil when statistics are not wanted.
    let statisticsHandler: KafkaStatisticsHandler?
    /// Called by the rebalance callback before partitions are given up (consumers only).
    let revocationHandler: RevocationHandler?
    private let delivery = Mutex(DeliveryState())
    private let rebalanceEvents = Mutex<[RebalanceEvent]>([])
    private let errors = Mutex(ErrorState())

    init(
        logHandler: KafkaLogHandler?, statisticsHandler: KafkaStatisticsHandler? = nil,
        revocationHandler: RevocationHandler? = nil
    ) {
        self.logHandler = logHandler
        self.statisticsHandler = statisticsHandler
        self.revocationHandler = revocationHandler
    }

    /// The pointer to register with `rd_kafka_conf_set_opaque` (unretained; see the type's doc).
    var opaque: UnsafeMutableRawPointer {
        Unmanaged.passUnretained(self).toOpaque()
    }

    /// Recovers the context from a callback's opaque pointer.
    static func from(_ opaque: UnsafeMutableRawPointer?) -> RDKafkaCallbackContext? {
        guard let opaque else { return nil }
        return Unmanaged<RDKafkaCallbackContext>.fromOpaque(opaque).takeUnretainedValue()
    }

    // MARK: Delivery reports

    /// Counts a record about to be handed to librdkafka (before, so a report can never come first); returns its stage.
    func willSend() -> Int {
        delivery.withLock { state in
            state.outstanding[state.stage, default: 0] += 1
            return state.stage
        }
    }

    /// Takes back `willSend` for a record librdkafka refused.
    func sendRefused(stage: Int) {
        delivery.withLock { $0.settle(stage) }
    }

    /// Ends the current stage; returns it.
    func closeStage() -> Int {
        delivery.withLock { state in
            defer { state.stage += 1 }
            return state.stage
        }
    }

    /// Whether every record of `stage` and earlier stages is reported, and none failed since the last
    /// `takeFirstDeliveryError()`.
    func isDelivered(through stage: Int) -> Bool {
        delivery.withLock { state in state.firstError == nil && !state.outstanding.keys.contains { $0 <= stage } }
    }

    /// `stage` is nil for a report of a record sent without one (none is, today).
    func recordDelivery(error: KafkaError?, stage: Int?) {
        delivery.withLock { state in
            if let stage { state.settle(stage) }
            if let error {
                state.failed += 1
                if state.firstError == nil { state.firstError = error }
            } else {
                state.delivered += 1
            }
        }
    }

    var deliveredCount: Int { delivery.withLock { $0.delivered } }
    var failedCount: Int { delivery.withLock { $0.failed } }

    /// Returns and clears the first delivery failure recorded since the previous call.
    func takeFirstDeliveryError() -> KafkaError? {
        delivery.withLock { state in
            defer { state.firstError = nil }
            return state.firstError
        }
    }

    // MARK: Rebalance events

    func recordRebalance(_ event: RebalanceEvent) {
        rebalanceEvents.withLock { $0.append(event) }
    }

    func takeRebalanceEvents() -> [RebalanceEvent] {
        rebalanceEvents.withLock { events in
            defer { events.removeAll() }
            return events
        }
    }

    // MARK: Non-fatal errors

    func recordError(_ error: KafkaError) {
        errors.withLock { state in
            state.count += 1
            state.last = error
        }
    }

    var lastError: KafkaError? { errors.withLock { $0.last } }
    var errorCount: Int { errors.withLock { $0.count } }
}
