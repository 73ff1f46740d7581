/// Why a plan was rejected: where it came from, the JSON path inside it, and what to fix.
public struct PlanError: Error, Sendable, Hashable, CustomStringConvertible {
    /// A file path, or `topic campaign-plans partition P offset O`.
    public var source: String
    /// A JSON path such as `$[1].trigger.offsetDays`.
    public var path: String
    public var reason: String

    public init(source: String, path: String, reason: String) {
        self.source = source
        self.path = path
        self.reason = reason
    }

    public var description: String { "\(source): \(path): \(reason)" }
}
