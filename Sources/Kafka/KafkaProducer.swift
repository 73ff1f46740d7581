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
        try sendRetrying { produce(record) }
    }

    /// Enqueues one record whose bytes the caller lends for the call: librdkafka copies them before it returns.
    ///
    /// For records whose key, value and headers already sit in a buffer of the caller's: no array is made for each.
    /// `headerValues` holds one value per name (nil for a null value). When the local queue is full, polls and
    /// retries for up to 30 s before throwing.
    public func send(
        topic: String, partition: Int32? = nil, key: UnsafeRawBufferPointer?, value: UnsafeRawBufferPointer?,
        headerNames: [String], headerValues: UnsafeBufferPointer<UnsafeRawBufferPointer?>
    ) throws(KafkaError) {
        precondition(headerNames.count == headerValues.count, "one header value for each header name")
        try sendRetrying {
            produce(topic: topic, partition: partition, key: key, value: value, headers: .lent(names: headerNames, values: headerValues))
        }
    }

    /// Runs `produce` (one attempt, nil when the record was enqueued) until it succeeds, or throws once the queue
    /// stays full for the retry window, or at once for any other error.
    private func sendRetrying(_ produce: () -> KafkaError?) throws(KafkaError) {
        guard let first = produce() else { return }
        // The queue is full (or something failed): the retry window starts now, off the path of every other record.
        let deadline = ContinuousClock.now.advanced(by: Self.queueFullRetryWindow)
        var error = first
        while error.code == RD_KAFKA_RESP_ERR__QUEUE_FULL.rawValue, ContinuousClock.now < deadline {
            // Serving delivery reports frees queue space.
            client.poll(timeout: .milliseconds(100))
            guard let next = produce() else { return }
            error = next
        }
        throw error
    }

    /// Serves delivery reports (non-blocking when timeout is .zero).
    public func poll(timeout: Duration = .zero) {
        client.poll(timeout: timeout)
    }

    /// Closes the records sent so far into a mark: `isDelivered(_:)` says when all of them were delivered.
    ///
    /// Lets a caller go on sending while an earlier batch is delivered (at-least-once commits without a flush).
    public func mark() -> DeliveryMark {
        DeliveryMark(stage: client.context.closeStage())
    }

    /// Whether every record sent before `mark` was delivered, and no delivery failed since the last
    /// `takeDeliveryError()` or `flush` (reports are counted only when `poll` or `flush` serves them).
    public func isDelivered(_ mark: DeliveryMark) -> Bool {
        client.context.isDelivered(through: mark.stage)
    }

    /// Returns and clears the first delivery failure since the last call or `flush`, if any.
    public func takeDeliveryError() -> KafkaError? {
        client.context.takeFirstDeliveryError()
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

    /// Calls `rd_kafka_produceva` once for `record`; returns its error, or nil when the record was enqueued.
    private func produce(_ record: ProducerRecord) -> KafkaError? {
        Self.withBytes(record.key) { (key: UnsafeRawBufferPointer?) -> KafkaError? in
            Self.withBytes(record.value) { (value: UnsafeRawBufferPointer?) -> KafkaError? in
                produce(topic: record.topic, partition: record.partition, key: key, value: value, headers: .owned(record.headers))
            }
        }
    }

    /// Calls `rd_kafka_produceva` once; returns its error, or nil when the record was enqueued.
    ///
    /// Key and value are passed where they are, header names and values from one stack buffer, and the arguments
    /// from another: no allocation per record. RD_KAFKA_MSG_F_COPY and header copying mean librdkafka keeps no
    /// pointer into any of them.
    private func produce(
        topic: String, partition: Int32?, key: UnsafeRawBufferPointer?, value: UnsafeRawBufferPointer?, headers: Headers
    ) -> KafkaError? {
        let stage = client.context.willSend()
        let failure = topic.withCString { (cTopic: UnsafePointer<CChar>) -> OpaquePointer? in
            produce(stage: stage, topic: cTopic, partition: partition, key: key, value: value, headers: headers)
        }
        // Ownership: a returned rd_kafka_error_t is ours; KafkaError(consuming:) destroys it.
        guard let failure else { return nil }
        client.context.sendRefused(stage: stage)
        return KafkaError(operation: "produce to \(topic)", consuming: failure)
    }

    /// A record's headers: its own, or names and values the caller lends.
    private enum Headers {
        case owned([KafkaHeader])
        case lent(names: [String], values: UnsafeBufferPointer<UnsafeRawBufferPointer?>)

        var count: Int {
            switch self {
            case .owned(let headers): headers.count
            case .lent(let names, _): names.count
            }
        }

        func name(_ index: Int) -> String {
            switch self {
            case .owned(let headers): headers[index].key
            case .lent(let names, _): names[index]
            }
        }

        /// Runs `body` with the value of header `index` in place (nil for a null value).
        func withValue(_ index: Int, _ body: (UnsafeRawBufferPointer?) -> Void) {
            switch self {
            case .owned(let headers):
                guard let value = headers[index].value else { return body(nil) }
                value.withUnsafeBytes { body($0) }
            case .lent(_, let values):
                body(values[index])
            }
        }
    }

    private func produce(
        stage: Int, topic: UnsafePointer<CChar>, partition: Int32?, key: UnsafeRawBufferPointer?,
        value: UnsafeRawBufferPointer?, headers: Headers
    ) -> OpaquePointer? {
        let headerCount = headers.count
        var headerBytes = 0
        for index in 0..<headerCount {
            headerBytes += headers.name(index).utf8.count + 1
            headers.withValue(index) { headerBytes += $0?.count ?? 0 }
        }
        // One spare byte, so the buffer is never empty: an empty key, value or header value points into it with size 0,
        // since a null pointer would make it a null one instead.
        return withUnsafeTemporaryAllocation(byteCount: headerBytes + 1, alignment: 1) { (arena: UnsafeMutableRawBufferPointer) -> OpaquePointer? in
            let base = arena.baseAddress!
            return withUnsafeTemporaryAllocation(of: rd_kafka_vu_t.self, capacity: 6 + headerCount) {
                (vus: UnsafeMutableBufferPointer<rd_kafka_vu_t>) -> OpaquePointer? in
                var count = 0
                func add(_ item: rd_kafka_vu_t) {
                    vus.initializeElement(at: count, to: item)
                    count += 1
                }
                var item = rd_kafka_vu_t()
                item.vtype = RD_KAFKA_VTYPE_TOPIC
                item.u.cstr = topic
                add(item)
                item = rd_kafka_vu_t()
                item.vtype = RD_KAFKA_VTYPE_PARTITION
                item.u.i32 = partition ?? -1  // -1 is RD_KAFKA_PARTITION_UA
                add(item)
                item = rd_kafka_vu_t()
                item.vtype = RD_KAFKA_VTYPE_MSGFLAGS
                item.u.i = RD_KAFKA_MSG_F_COPY
                add(item)
                // The delivery report finds the record's stage here (+ 1, so stage 0 is not a null pointer).
                item = rd_kafka_vu_t()
                item.vtype = RD_KAFKA_VTYPE_OPAQUE
                item.u.ptr = UnsafeMutableRawPointer(bitPattern: stage + 1)
                add(item)
                /// Adds the key or value `bytes`, when present (a nil one is left out: a null key or value).
                func addBytes(_ type: rd_kafka_vtype_t, _ bytes: UnsafeRawBufferPointer?) {
                    guard let bytes else { return }
                    var item = rd_kafka_vu_t()
                    item.vtype = type
                    item.u.mem.ptr = UnsafeMutableRawPointer(mutating: bytes.baseAddress ?? UnsafeRawPointer(base))
                    item.u.mem.size = bytes.count
                    add(item)
                }
                addBytes(RD_KAFKA_VTYPE_KEY, key)
                addBytes(RD_KAFKA_VTYPE_VALUE, value)
                var offset = 0
                /// Copies `bytes` into the arena at `offset` in one go (a byte-by-byte loop cost a few hundred
                /// instructions a record: every job carries three or four headers).
                func copy(_ bytes: UnsafeRawBufferPointer) {
                    if let source = bytes.baseAddress, !bytes.isEmpty { (base + offset).copyMemory(from: source, byteCount: bytes.count) }
                    offset += bytes.count
                }
                for index in 0..<headerCount {
                    let nameStart = offset
                    var name = headers.name(index)
                    name.withUTF8 { copy(UnsafeRawBufferPointer($0)) }
                    arena[offset] = 0  // the name is a C string
                    offset += 1
                    item = rd_kafka_vu_t()
                    item.vtype = RD_KAFKA_VTYPE_HEADER
                    item.u.header.name = UnsafePointer((base + nameStart).assumingMemoryBound(to: CChar.self))
                    headers.withValue(index) { bytes in
                        if let bytes {
                            item.u.header.val = UnsafeRawPointer(base + offset)
                            item.u.header.size = bytes.count
                            copy(bytes)
                        } else {
                            item.u.header.val = nil  // a null header value
                            item.u.header.size = 0
                        }
                    }
                    add(item)
                }
                return rd_kafka_produceva(client.handle, vus.baseAddress, count)
            }
        }
    }

    /// Runs `body` with `bytes` in place (nil for nil).
    private static func withBytes<Result>(_ bytes: [UInt8]?, _ body: (UnsafeRawBufferPointer?) -> Result) -> Result {
        guard let bytes else { return body(nil) }
        return bytes.withUnsafeBytes { body($0) }
    }
}

/// A point in the records a producer sent (see `KafkaProducer.mark()`).
public struct DeliveryMark: Sendable, Hashable {
    let stage: Int
}
