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

    func recordDelivery(error: KafkaError?) {
        delivery.withLock { state in
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
