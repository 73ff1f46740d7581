import CRdKafka

/// An error from librdkafka or from this layer, naming the operation that failed.
///
/// `description` never contains configuration property values (they may be secrets).
public struct KafkaError: Error, CustomStringConvertible, Sendable {
    /// What was being done, e.g. "produce to coupon-jobs", "commit offsets", "create topic x".
    public var operation: String
    /// The raw `rd_kafka_resp_err_t` value, or 0 when the error did not come from librdkafka.
    public var code: Int32
    /// librdkafka's symbolic name for `code` (`rd_kafka_err2name`), e.g. "_TIMED_OUT"; "LOCAL" when `code` is 0.
    public var codeName: String
    /// Human-readable detail: `rd_kafka_err2str`, librdkafka's errstr, or this layer's own text.
    public var message: String
    /// True when the client instance is unusable and must be recreated.
    public var isFatal: Bool
    /// True when the same call may succeed if simply retried.
    public var isRetriable: Bool
    /// True when the current transaction must be aborted (`rd_kafka_error_txn_requires_abort`).
    public var isTxnRequiresAbort: Bool
    /// The `#fileID` where the error was made.
    public var file: String
    /// The `#line` where the error was made.
    public var line: Int

    /// Creates an error from its parts; `codeName` defaults to librdkafka's name for `code`.
    ///
    /// Public so that callers can build errors for fakes and tests.
    public init(
        operation: String,
        code: Int32 = 0,
        codeName: String? = nil,
        message: String,
        isFatal: Bool = false,
        isRetriable: Bool = false,
        isTxnRequiresAbort: Bool = false,
        file: String = #fileID,
        line: Int = #line
    ) {
        self.operation = operation
        self.code = code
        self.codeName = codeName ?? KafkaError.name(ofCode: code)
        self.message = message
        self.isFatal = isFatal
        self.isRetriable = isRetriable
        self.isTxnRequiresAbort = isTxnRequiresAbort
        self.file = file
        self.line = line
    }

    /// "<operation> failed: <codeName>: <message>".
    public var description: String {
        "\(operation) failed: \(codeName): \(message)"
    }

    /// librdkafka's symbolic name for an error code, e.g. "_TIMED_OUT"; "LOCAL" for 0 (an error made
    /// by this layer or its caller, not by librdkafka).
    public static func name(ofCode code: Int32) -> String {
        guard code != 0 else { return "LOCAL" }
        return String(cString: rd_kafka_err2name(rd_kafka_resp_err_t(rawValue: code)))
    }

    /// `rd_kafka_resp_err_t` value of a local timeout (`RD_KAFKA_RESP_ERR__TIMED_OUT`).
    public static let timedOutCode: Int32 = RD_KAFKA_RESP_ERR__TIMED_OUT.rawValue

    /// True when the error is a local or broker timeout.
    public var isTimeout: Bool {
        code == RD_KAFKA_RESP_ERR__TIMED_OUT.rawValue
            || code == RD_KAFKA_RESP_ERR_REQUEST_TIMED_OUT.rawValue
            || code == RD_KAFKA_RESP_ERR__TIMED_OUT_QUEUE.rawValue
    }
}

extension KafkaError {
    /// Makes an error from a plain `rd_kafka_resp_err_t`; `message` defaults to `rd_kafka_err2str`.
    init(
        operation: String,
        error: rd_kafka_resp_err_t,
        message: String? = nil,
        isFatal: Bool? = nil,
        file: String = #fileID,
        line: Int = #line
    ) {
        self.init(
            operation: operation,
            code: error.rawValue,
            message: message ?? String(cString: rd_kafka_err2str(error)),
            isFatal: isFatal ?? (error == RD_KAFKA_RESP_ERR__FATAL),
            isRetriable: KafkaError.isRetriableCode(error),
            file: file,
            line: line
        )
    }

    /// Makes an error from an `rd_kafka_error_t` and destroys it.
    ///
    /// Takes ownership: every `rd_kafka_error_t` returned by librdkafka must be freed with
    /// `rd_kafka_error_destroy`, which this initializer does after copying the fields.
    init(operation: String, consuming error: OpaquePointer, file: String = #fileID, line: Int = #line) {
        defer { rd_kafka_error_destroy(error) }
        let code = rd_kafka_error_code(error)
        self.init(
            operation: operation,
            code: code.rawValue,
            codeName: String(cString: rd_kafka_error_name(error)),
            message: String(cString: rd_kafka_error_string(error)),
            isFatal: rd_kafka_error_is_fatal(error) != 0,
            isRetriable: rd_kafka_error_is_retriable(error) != 0,
            isTxnRequiresAbort: rd_kafka_error_txn_requires_abort(error) != 0,
            file: file,
            line: line
        )
    }

    /// Makes the error for a client whose fatal error is raised (`rd_kafka_fatal_error`), or nil.
    static func fatal(of handle: OpaquePointer, operation: String, file: String = #fileID, line: Int = #line)
        -> KafkaError?
    {
        var buffer = [CChar](repeating: 0, count: 512)
        let code = rd_kafka_fatal_error(handle, &buffer, buffer.count)
        guard code != RD_KAFKA_RESP_ERR_NO_ERROR else { return nil }
        let message = String(cBuffer: buffer)
        return KafkaError(operation: operation, error: code, message: message, isFatal: true, file: file, line: line)
    }

    /// Broker and local error codes that are worth retrying as-is.
    static func isRetriableCode(_ error: rd_kafka_resp_err_t) -> Bool {
        switch error {
        case RD_KAFKA_RESP_ERR__TIMED_OUT, RD_KAFKA_RESP_ERR__TIMED_OUT_QUEUE, RD_KAFKA_RESP_ERR__TRANSPORT,
            RD_KAFKA_RESP_ERR__QUEUE_FULL, RD_KAFKA_RESP_ERR__ALL_BROKERS_DOWN, RD_KAFKA_RESP_ERR_REQUEST_TIMED_OUT,
            RD_KAFKA_RESP_ERR_NOT_LEADER_FOR_PARTITION, RD_KAFKA_RESP_ERR_LEADER_NOT_AVAILABLE,
            RD_KAFKA_RESP_ERR_NOT_COORDINATOR, RD_KAFKA_RESP_ERR_COORDINATOR_NOT_AVAILABLE,
            RD_KAFKA_RESP_ERR_COORDINATOR_LOAD_IN_PROGRESS, RD_KAFKA_RESP_ERR_REBALANCE_IN_PROGRESS,
            RD_KAFKA_RESP_ERR_NOT_ENOUGH_REPLICAS, RD_KAFKA_RESP_ERR_NOT_ENOUGH_REPLICAS_AFTER_APPEND,
            RD_KAFKA_RESP_ERR_NETWORK_EXCEPTION, RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART:
            return true
        default:
            return false
        }
    }
}
