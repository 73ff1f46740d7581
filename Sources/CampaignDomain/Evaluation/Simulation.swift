/// The `simulate` loop: the same engine on a virtual clock driven by the events themselves (CONTRACT §7).
///
/// The clock moves to each applied event's time (never backwards); ignored, duplicate and dead-lettered records do not
/// move it. Timers due at or before an event's time fire before that event is applied.
public struct Simulation: Sendable {
    public let engine: Engine
    public private(set) var store = PartitionStore()
    /// The virtual clock; nil until the first applied event (or `from`).
    public private(set) var clock: Instant?
    public let until: Instant?
    public private(set) var statistics = Statistics()

    /// Counts of what happened to the input lines.
    public struct Statistics: Sendable, Hashable {
        public var applied = 0
        public var duplicates = 0
        public var ignoredUnknownType = 0
        public var erased = 0
        public var deadLettered = 0
        public var afterUntil = 0
    }

    /// - Parameters:
    ///   - from: the clock's start; history before it builds state but fires nothing that was due before it.
    ///   - until: timers due up to and including it fire at the end; events after it are skipped (and counted).
    public init(engine: Engine, from: Instant? = nil, until: Instant? = nil) {
        self.engine = engine
        self.clock = from
        self.until = until
    }

    /// Processes one input line (a CloudEvent); `source` and `lineNumber` go into dead-letter headers.
    public mutating func process(line: [UInt8], source: String, lineNumber: Int, into out: inout [OutputRecord]) {
        let record = InputRecord(topic: source, partition: 0, offset: Int64(lineNumber), key: nil, value: line)
        let event: ActivityEvent
        switch engine.decode(record) {
        case .failure(let reason):
            statistics.deadLettered += 1
            out.append(record.deadLetter(reason))
            return
        case .success(let decoded):
            event = decoded
        }
        if case .unknown = event.payload {
            statistics.ignoredUnknownType += 1
            return
        }
        if store.isDuplicate(event) {
            statistics.duplicates += 1
            return
        }
        if let until, event.time > until {
            statistics.afterUntil += 1
            return
        }
        let now = max(clock ?? event.time, event.time)
        advance(to: now, into: &out)
        switch store.apply(event, now: now, engine: engine, into: &out) {
        case .applied: statistics.applied += 1
        case .erased: statistics.erased += 1
        case .duplicate: statistics.duplicates += 1
        case .ignoredUnknownType: statistics.ignoredUnknownType += 1
        }
    }

    /// Fires every timer due up to and including `until` (nothing when no `until` was given).
    public mutating func finish(into out: inout [OutputRecord]) {
        guard let until else { return }
        advance(to: max(clock ?? until, until), into: &out)
    }

    /// Moves the clock to `target` through every due timer in turn, so each fires with the clock at its own time
    /// (its `createdAt` is its fire time, and points still there at fire time are seen).
    mutating func advance(to target: Instant, into out: inout [OutputRecord]) {
        while let due = store.nextDue, due <= target {
            let now = max(clock ?? due, due)
            clock = now
            store.fireDue(now: now, engine: engine, into: &out)
        }
        clock = max(clock ?? target, target)
    }
}
