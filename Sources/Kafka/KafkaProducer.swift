import CRdKafka

/// Idempotent producer with delivery reports (and optional transactions).
///
/// Every method is synchronous and may block: call it from a dedicated thread, never from Swift
/// concurrency's cooperative pool. Thread-safe. Delivery reports are counted only when `poll` or
/// `flush` serves them, so call `poll` regularly; `flush` before dropping the last reference, since
/// deinit destroys the handle without waiting for in-flight records.
public final class KafkaProducer: Sendable {
    /// The `rd_kafka_t` and the delivery-report counters.
    let client: RDKafkaClient

    /// How long `send` keeps polling and retrying while librdkafka's local queue is full.
    static let queueFullRetryWindow: Duration = .seconds(30)

    /// Creates the producer; `properties` are raw librdkafka properties passed through as given.
    ///
    /// Defaults unless overridden: enable.idempotence=true, partitioner=murmur2_random, linger.ms=5.
    /// Set `transactional.id` to use the transaction methods. `logHandler` receives librdkafka's log
    /// lines instead of stderr.
    public init(properties: [String: String], logHandler: KafkaLogHandler? = nil) throws(KafkaError) {
        let conf = RDKafkaConf(operation: "create producer")
        try conf.apply(
            properties: properties,
            defaults: ["enable.idempotence": "true", "partitioner": "murmur2_random", "linger.ms": "5"])
        conf.installDeliveryReports()
        client = try RDKafkaClient(
            type: RD_KAFKA_PRODUCER, conf: conf, context: RDKafkaCallbackContext(logHandler: logHandler))
    }

    /// Enqueues one record (key, value and headers are copied).
    ///
    /// When the local queue is full, polls and retries for up to 30 s before throwing.
    public func send(_ record: ProducerRecord) throws(KafkaError) {
        let operation = "produce to \(record.topic)"
        let deadline = ContinuousClock.now.advanced(by: Self.queueFullRetryWindow)
        while true {
            guard let error = produce(record, operation: operation) else { return }
            guard error.code == RD_KAFKA_RESP_ERR__QUEUE_FULL.rawValue, ContinuousClock.now < deadline else {
                throw error
            }
            // Serving delivery reports frees queue space.
            client.poll(timeout: .milliseconds(100))
        }
    }

    /// Serves delivery reports (non-blocking when timeout is .zero).
    public func poll(timeout: Duration = .zero) {
        client.poll(timeout: timeout)
    }

    /// Waits until every record sent so far is delivered or failed.
    ///
    /// Throws a fatal producer error, else the first delivery failure since the last flush (and
    /// clears it), else a `_TIMED_OUT` error when records are still in flight after `timeout`.
    public func flush(timeout: Duration) throws(KafkaError) {
        let err = rd_kafka_flush(client.handle, timeout.kafkaMilliseconds)
        if let fatal = client.fatalError(operation: "flush producer") { throw fatal }
        if let failure = client.context.takeFirstDeliveryError() { throw failure }
        guard err == RD_KAFKA_RESP_ERR_NO_ERROR else {
            let pending = rd_kafka_outq_len(client.handle)
            throw KafkaError(
                operation: "flush producer", error: err,
                message: "\(pending) records or requests still in flight after \(timeout)")
        }
    }

    /// Learns the partitions and leaders of `topics` now, so the first records sent to them do not wait for it.
    ///
    /// Without this the first flush or transaction commit after start waits for a metadata round per new topic
    /// (about 0.8 s on librdkafka's mock cluster), which shows as a stall after every start and client restart.
    /// `timeout` bounds the whole call; the first failure ends it (an unreachable cluster fails every topic alike).
    public func loadMetadata(topics: [String], timeout: Duration) throws(KafkaError) {
        let deadline = ContinuousClock.now.advanced(by: timeout)
        for topic in topics {
            let remaining = max(deadline - ContinuousClock.now, .milliseconds(1))
            // Ownership: the topic handle is ours until rd_kafka_topic_destroy; the metadata result until
            // rd_kafka_metadata_destroy. The client keeps what it learned in its own cache.
            guard let handle = rd_kafka_topic_new(client.handle, topic, nil) else {
                throw KafkaError(operation: "load metadata of topic \(topic)", error: rd_kafka_last_error())
            }
            defer { rd_kafka_topic_destroy(handle) }
            var metadata: UnsafePointer<rd_kafka_metadata>?
            let err = rd_kafka_metadata(client.handle, 0, handle, &metadata, remaining.kafkaMilliseconds)
            if let metadata { rd_kafka_metadata_destroy(metadata) }
            guard err == RD_KAFKA_RESP_ERR_NO_ERROR else {
                throw KafkaError(operation: "load metadata of topic \(topic)", error: err)
            }
        }
    }

    /// Number of records delivered successfully since start (from delivery reports).
    public var deliveredCount: Int { client.context.deliveredCount }

    /// Number of records whose delivery failed since start (from delivery reports).
    public var failedCount: Int { client.context.failedCount }

    /// Number of records and requests not yet delivered or failed (`rd_kafka_outq_len`).
    public var inFlightCount: Int { Int(rd_kafka_outq_len(client.handle)) }

    /// Calls `rd_kafka_produceva` once; returns its error, or nil when the record was enqueued.
    private func produce(_ record: ProducerRecord, operation: String) -> KafkaError? {
        // All strings and bytes go into one arena so a single pointer scope covers every field;
        // RD_KAFKA_MSG_F_COPY and header copying mean librdkafka keeps no pointer into it.
        var arena: [UInt8] = []
        func put(_ bytes: some Sequence<UInt8>, terminate: Bool = false) -> Int {
            let offset = arena.count
            arena.append(contentsOf: bytes)
            if terminate { arena.append(0) }
            return offset
        }
        let topicOffset = put(record.topic.utf8, terminate: true)
        let keyOffset = record.key.map { put($0) }
        let valueOffset = record.value.map { put($0) }
        let headerOffsets = record.headers.map { header in
            (name: put(header.key.utf8, terminate: true), value: header.value.map { put($0) })
        }

        return arena.withUnsafeMutableBytes { buffer -> KafkaError? in
            // Never empty: the topic's NUL terminator is always there.
            guard let base = buffer.baseAddress else {
                return KafkaError(operation: operation, message: "internal error: empty produce buffer")
            }
            func cString(_ offset: Int) -> UnsafePointer<CChar> {
                UnsafePointer((base + offset).assumingMemoryBound(to: CChar.self))
            }
            var vus: [rd_kafka_vu_t] = []
            vus.reserveCapacity(5 + record.headers.count)

            var topic = rd_kafka_vu_t()
            topic.vtype = RD_KAFKA_VTYPE_TOPIC
            topic.u.cstr = cString(topicOffset)
            vus.append(topic)

            var partition = rd_kafka_vu_t()
            partition.vtype = RD_KAFKA_VTYPE_PARTITION
            partition.u.i32 = record.partition ?? -1  // -1 is RD_KAFKA_PARTITION_UA
            vus.append(partition)

            var flags = rd_kafka_vu_t()
            flags.vtype = RD_KAFKA_VTYPE_MSGFLAGS
            flags.u.i = RD_KAFKA_MSG_F_COPY
            vus.append(flags)

            if let keyOffset, let key = record.key {
                var item = rd_kafka_vu_t()
                item.vtype = RD_KAFKA_VTYPE_KEY
                item.u.mem.ptr = base + keyOffset
                item.u.mem.size = key.count
                vus.append(item)
            }
            if let valueOffset, let value = record.value {
                var item = rd_kafka_vu_t()
                item.vtype = RD_KAFKA_VTYPE_VALUE
                item.u.mem.ptr = base + valueOffset
                item.u.mem.size = value.count
                vus.append(item)
            }
            for (header, offsets) in zip(record.headers, headerOffsets) {
                var item = rd_kafka_vu_t()
                item.vtype = RD_KAFKA_VTYPE_HEADER
                item.u.header.name = cString(offsets.name)
                if let valueOffset = offsets.value, let value = header.value {
                    item.u.header.val = UnsafeRawPointer(base + valueOffset)
                    item.u.header.size = value.count
                } else {
                    item.u.header.val = nil  // null header value
                    item.u.header.size = 0
                }
                vus.append(item)
            }
            // Ownership: a returned rd_kafka_error_t is ours; KafkaError(consuming:) destroys it.
            guard let failure = rd_kafka_produceva(client.handle, vus, vus.count) else { return nil }
            return KafkaError(operation: operation, consuming: failure)
        }
    }
}
