/// One record header: a string key and an optional byte value.
public struct KafkaHeader: Sendable, Hashable {
    /// The header name.
    public var key: String
    /// The header value; nil is a null header value (distinct from an empty one).
    public var value: [UInt8]?

    /// Creates a header with raw bytes (or nil for a null value).
    public init(key: String, value: [UInt8]?) {
        self.key = key
        self.value = value
    }

    /// Creates a header whose value is the UTF-8 bytes of `string`.
    public init(key: String, string: String) {
        self.init(key: key, value: Array(string.utf8))
    }
}

/// Headers `KafkaProducer` can read in place: each one's name, and its value lent for the call of `body`.
///
/// Lets a caller whose header values already sit in a buffer of its own produce them without an array for each.
public protocol ProducerHeaders {
    var headerCount: Int { get }
    func headerName(_ index: Int) -> String
    /// Runs `body` with the value of header `index` (nil for a null value).
    func withHeaderValue<Result>(_ index: Int, _ body: (UnsafeRawBufferPointer?) -> Result) -> Result
}

extension Array: ProducerHeaders where Element == KafkaHeader {
    public var headerCount: Int { count }

    public func headerName(_ index: Int) -> String { self[index].key }

    public func withHeaderValue<Result>(_ index: Int, _ body: (UnsafeRawBufferPointer?) -> Result) -> Result {
        guard let value = self[index].value else { return body(nil) }
        return value.withUnsafeBytes { body($0) }
    }
}
