import CRdKafka

/// Owns an `rd_kafka_conf_t` until `makeHandle` hands it to a new `rd_kafka_t`.
///
/// Ownership: `rd_kafka_new` takes ownership of the conf only on success; on failure (and if
/// `makeHandle` is never called) the conf is still ours and `deinit` destroys it.
/// Not Sendable: it is built and consumed on one thread inside an initializer.
final class RDKafkaConf {
    /// The conf, or nil once `rd_kafka_new` took ownership of it.
    private var pointer: OpaquePointer?
    /// The operation named in errors, e.g. "create producer".
    let operation: String

    init(operation: String) {
        // rd_kafka_conf_new never fails (it aborts on out-of-memory like every librdkafka allocation).
        self.pointer = rd_kafka_conf_new()
        self.operation = operation
    }

    deinit {
        if let pointer { rd_kafka_conf_destroy(pointer) }
    }

    /// Applies `defaults` overridden by `properties`, in name order for deterministic errors.
    func apply(properties: [String: String], defaults: [String: String]) throws(KafkaError) {
        let merged = defaults.merging(properties) { _, given in given }
        for name in merged.keys.sorted() {
            try set(name, merged[name] ?? "")
        }
    }

    /// Sets one property; the error names the property but never includes the value (it may be a secret).
    func set(_ name: String, _ value: String) throws(KafkaError) {
        guard let pointer else { throw consumedError }
        var errstr = [CChar](repeating: 0, count: 512)
        let result = rd_kafka_conf_set(pointer, name, value, &errstr, errstr.count)
        switch result {
        case RD_KAFKA_CONF_OK:
            return
        case RD_KAFKA_CONF_UNKNOWN:
            throw KafkaError(
                operation: operation, error: RD_KAFKA_RESP_ERR__INVALID_ARG,
                message: "unknown configuration property \"\(name)\"")
        default:
            // librdkafka's errstr quotes the value, so it is deliberately not used here.
            throw KafkaError(
                operation: operation, error: RD_KAFKA_RESP_ERR__INVALID_ARG,
                message: "invalid value for configuration property \"\(name)\"")
        }
    }

    /// Points every callback's opaque at `context`, and routes logs to its handler when it has one.
    ///
    /// The conf stores the raw pointer only; the caller must keep `context` alive longer than the
    /// `rd_kafka_t` (`RDKafkaClient` does).
    func install(context: RDKafkaCallbackContext) {
        guard let pointer else { return }
        rd_kafka_conf_set_opaque(pointer, context.opaque)
        if context.logHandler != nil {
            rd_kafka_conf_set_log_cb(pointer) { rk, level, facility, message in
                // Runs on librdkafka threads, possibly while rd_kafka_new or rd_kafka_destroy runs.
                guard let rk, let context = RDKafkaCallbackContext.from(rd_kafka_opaque(rk)),
                    let handler = context.logHandler
                else { return }
                handler(
                    level,
                    facility.map { String(cString: $0) } ?? "",
                    message.map { String(cString: $0) } ?? "")
            }
        }
    }

    /// Registers the statistics callback that hands librdkafka's JSON to the context's statistics handler.
    ///
    /// librdkafka emits statistics only when `statistics.interval.ms` is above 0.
    func installStatistics() {
        guard let pointer else { return }
        rd_kafka_conf_set_stats_cb(pointer) { _, json, length, opaque in
            // Served by the polling thread. Returning 0 tells librdkafka to free `json` itself.
            guard let json, let context = RDKafkaCallbackContext.from(opaque), let handler = context.statisticsHandler
            else { return 0 }
            handler(json.withMemoryRebound(to: UInt8.self, capacity: length) { Array(UnsafeBufferPointer(start: $0, count: length)) })
            return 0
        }
    }

    /// Registers the delivery report callback that counts outcomes into the context.
    func installDeliveryReports() {
        guard let pointer else { return }
        rd_kafka_conf_set_dr_msg_cb(pointer) { _, message, opaque in
            // Served by rd_kafka_poll / rd_kafka_flush on the calling thread; `message` is borrowed.
            guard let message, let context = RDKafkaCallbackContext.from(opaque) else { return }
            // The record's opaque is its stage + 1 (see KafkaProducer.produce); nil for a record sent without one.
            let stage = message.pointee._private.map { Int(bitPattern: $0) - 1 }
            context.recordDelivery(error: RDKafkaMessage.deliveryError(message), stage: stage)
        }
    }

    /// Registers the rebalance callback that applies assignments and records `RebalanceEvent`s.
    func installRebalance() {
        guard let pointer else { return }
        rd_kafka_conf_set_rebalance_cb(pointer) { rk, err, partitions, opaque in
            guard let rk, let context = RDKafkaCallbackContext.from(opaque) else { return }
            RDKafkaRebalance.handle(handle: rk, error: err, partitions: partitions, context: context)
        }
    }

    /// The error for using this object after `rd_kafka_new` took the conf (a bug in this layer).
    private var consumedError: KafkaError {
        KafkaError(operation: operation, message: "internal error: configuration already handed to rd_kafka_new")
    }

    /// Creates the client; on success librdkafka owns the conf and this object forgets it.
    func makeHandle(type: rd_kafka_type_t) throws(KafkaError) -> OpaquePointer {
        guard let conf = pointer else { throw consumedError }
        var errstr = [CChar](repeating: 0, count: 512)
        guard let handle = rd_kafka_new(type, conf, &errstr, errstr.count) else {
            // Failure: the conf is still ours and is destroyed in deinit.
            throw KafkaError(
                operation: operation, error: RD_KAFKA_RESP_ERR__INVALID_ARG,
                message: String(cBuffer: errstr))
        }
        pointer = nil
        return handle
    }
}
