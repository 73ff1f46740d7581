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
