/// Why an input record went to the dead-letter topic: a short code for machines and a sentence for people.
public struct DeadLetterReason: Error, Sendable, Hashable, CustomStringConvertible {
    /// Short code written to the `dlq-reason` header.
    public var code: Code
    /// Readable sentence written to the `dlq-detail` header, naming the field at fault.
    public var detail: String

    public init(_ code: Code, _ detail: String) {
        self.code = code
        self.detail = Self.headerSafe(detail)
    }

    /// The longest `detail`, in characters; longer sentences are cut with "…".
    public static let maxDetailLength = 300

    /// `text` with every control character (C0, DEL, C1, line and paragraph separators) written as `\uXXXX` and cut to
    /// `maxDetailLength`, so that nothing from a record — a member name in a JSON object, an invalid value — can break
    /// a header or a log line of whoever reads the dead letter.
    static func headerSafe(_ text: String) -> String {
        var safe = ""
        var count = 0
        for scalar in text.unicodeScalars {
            guard count < maxDetailLength else {
                safe += "…"
                break
            }
            switch scalar.value {
            case 0x00...0x1F, 0x7F...0x9F, 0x2028, 0x2029:
                let hex = String(scalar.value, radix: 16, uppercase: false)
                safe += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default:
                safe.unicodeScalars.append(scalar)
            }
            count += 1
        }
        return safe
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
