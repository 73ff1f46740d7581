/// Why an input record went to the dead-letter topic: a short code for machines and a sentence for people.
public struct DeadLetterReason: Error, Sendable, Hashable, CustomStringConvertible {
    /// Short code written to the `dlq-reason` header.
    public var code: Code
    /// Readable sentence written to the `dlq-detail` header, naming the field at fault.
    public var detail: String

    public init(_ code: Code, _ detail: String) {
        self.code = code
        self.detail = detail
    }

    public var description: String { "\(code.rawValue): \(detail)" }

    /// The `dlq-reason` codes.
    public enum Code: String, Sendable, Hashable, CaseIterable {
        /// The value is not valid JSON (or not UTF-8), or is missing.
        case invalidJSON = "invalid-json"
        /// Valid JSON, but not a structured-mode CloudEvents 1.0 object.
        case notCloudEvent = "not-cloudevent"
        /// A required attribute or data field is absent or null.
        case missingField = "missing-field"
        /// The record key differs from the event's `subject`.
        case keyMismatch = "key-mismatch"
        /// A field has the wrong type or an unusable value (bad time, amount, date or time zone).
        case invalidField = "invalid-field"
        /// The record is larger than the worker is configured to parse.
        case tooLarge = "too-large"
    }
}
