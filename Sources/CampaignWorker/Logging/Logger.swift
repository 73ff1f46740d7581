import CampaignDomain
import Foundation
import Synchronization

/// Structured logging: one JSON object per line.
///
/// Callers pass identifiers and counts, never event payloads, so contact data and secrets cannot reach the log.
public struct Logger: Sendable {
    public enum Level: String, Sendable, Comparable {
        case debug, info, warning, error

        var rank: Int {
            switch self {
            case .debug: 0
            case .info: 1
            case .warning: 2
            case .error: 3
            }
        }

        public static func < (lhs: Level, rhs: Level) -> Bool { lhs.rank < rhs.rank }

        /// The accepted spellings, for error messages.
        static let names = "debug, info, warning or error"
    }

    /// A field value: strings are JSON-escaped, so nothing from an event can break the line.
    public enum Value: Sendable, ExpressibleByStringLiteral, ExpressibleByIntegerLiteral {
        case string(String)
        case int(Int)
        case bool(Bool)
        case strings([String])

        public init(stringLiteral value: String) { self = .string(value) }
        public init(integerLiteral value: Int) { self = .int(value) }
    }

    public let minimumLevel: Level
    private let sink: @Sendable (String) -> Void

    /// Writes to standard error.
    public init(minimumLevel: Level = .info) {
        self.init(minimumLevel: minimumLevel) { line in
            Self.stderrLock.withLock { _ in FileHandle.standardError.write(Data((line + "\n").utf8)) }
        }
    }

    /// Writes each line to `sink` (tests collect them).
    public init(minimumLevel: Level = .info, sink: @escaping @Sendable (String) -> Void) {
        self.minimumLevel = minimumLevel
        self.sink = sink
    }

    private static let stderrLock = Mutex(())

    public func log(_ level: Level, _ event: String, _ fields: [(String, Value)] = [], at time: Instant? = nil) {
        guard level >= minimumLevel else { return }
        var w = JSONWriter()
        w.beginObject()
        w.member("ts", (time ?? Instant(epochMillis: Int64(Date().timeIntervalSince1970 * 1000))).rfc3339)
        w.member("level", level.rawValue)
        w.member("event", event)
        for (key, value) in fields {
            w.key(key)
            switch value {
            case .string(let text): w.string(text)
            case .int(let number): w.int(number)
            case .bool(let flag): w.bool(flag)
            case .strings(let texts):
                w.beginArray()
                for text in texts { w.string(text) }
                w.endArray()
            }
        }
        w.endObject()
        sink(w.string)
    }

    public func info(_ event: String, _ fields: [(String, Value)] = []) { log(.info, event, fields) }
    public func warning(_ event: String, _ fields: [(String, Value)] = []) { log(.warning, event, fields) }
    public func error(_ event: String, _ fields: [(String, Value)] = []) { log(.error, event, fields) }
    public func debug(_ event: String, _ fields: [(String, Value)] = []) { log(.debug, event, fields) }
}
