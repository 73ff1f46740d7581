import CampaignWorker
import Synchronization

/// Collects a worker's log lines in memory, for tests that check what was (or was not) logged.
public final class LogLines: Sendable {
    private let lines = Mutex<[String]>([])
    private let minimumLevel: Logger.Level

    public init(minimumLevel: Logger.Level = .debug) { self.minimumLevel = minimumLevel }

    /// Every line logged so far, in order.
    public var all: [String] { lines.withLock { $0 } }

    /// A logger that appends to this collection.
    public var logger: Logger { Logger(minimumLevel: minimumLevel) { [self] line in lines.withLock { $0.append(line) } } }
}
