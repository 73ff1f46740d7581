/// A configuration problem, naming the key (or environment variable) and what to change.
public struct ConfigError: Error, Sendable, CustomStringConvertible {
    /// Where: a config file path and JSON path such as `worker.json: $.programme.timeZone`, or an environment variable.
    public var location: String
    public var reason: String

    public init(_ location: String, _ reason: String) {
        self.location = location
        self.reason = reason
    }

    public var description: String { "\(location): \(reason)" }
}
