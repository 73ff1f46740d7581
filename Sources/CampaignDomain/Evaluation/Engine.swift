/// The rules a partition store evaluates with: programme settings, the active plan set and output options.
///
/// Immutable and shared by every partition store; a plan change builds a new engine.
public struct Engine: Sendable {
    public var programme: Programme {
        didSet { scheduleFingerprint = ScheduleFingerprint(programme: programme, timePlans: timePlans) }
    }
    /// Plans that take part in evaluation (every status but `draft`), ordered by id for deterministic output.
    public private(set) var plans: [Plan]
    /// The plans of `plans` driven by each member's schedule, by applied events, and by recurring sweeps.
    public private(set) var timePlans: [Plan]
    public private(set) var eventPlans: [Plan]
    public private(set) var recurringPlans: [Plan]
    /// Which of `eventPlans` (their indices, in order) an event type can fire: most events concern one or two of
    /// them, and asking every event plan about every event was a fifth of an event's evaluation.
    private var eventPlansByType: [String: [Int]]
    /// What scheduling reads of each of `timePlans`, in the same order: a plan is a large struct, and reading one
    /// from the array to compute a due time copied every field of it.
    private(set) var timeSchedules: [TimeSchedule]
    /// Whether decision records are produced (CONTRACT §4; on by default).
    public var decisionsEnabled: Bool
    /// Whether `maxLateness` applies. `simulate` turns it off: a clock jump there is not downtime.
    public var enforcesLateness: Bool
    public var decoder: EventDecoder
    /// What members' due times are computed from; the changelog stores it so a restore can trust them (see the type).
    public private(set) var scheduleFingerprint: ScheduleFingerprint

    public init(
        programme: Programme, plans: [Plan], decisionsEnabled: Bool = true, enforcesLateness: Bool = true,
        decoder: EventDecoder = EventDecoder()
    ) {
        self.programme = programme
        let active = plans.filter { $0.status != .draft }.sorted { $0.id < $1.id }
        self.plans = active
        self.timePlans = active.filter { $0.trigger.kind == .time }
        self.eventPlans = active.filter { $0.trigger.kind == .event }
        self.recurringPlans = active.filter { $0.trigger.kind == .recurring }
        self.eventPlansByType = [:]
        for (index, plan) in eventPlans.enumerated() {
            guard let type = plan.trigger.firingEventType else { continue }
            eventPlansByType[type, default: []].append(index)
        }
        self.timeSchedules = timePlans.map { TimeSchedule(planID: $0.id, trigger: $0.trigger) }
        self.decisionsEnabled = decisionsEnabled
        self.enforcesLateness = enforcesLateness
        self.decoder = decoder
        self.scheduleFingerprint = ScheduleFingerprint(programme: programme, timePlans: timePlans)
    }

    /// The indices in `eventPlans` of the plans an event of `type` can fire, in plan order.
    func eventPlanIndices(for type: String) -> [Int] {
        eventPlansByType[type] ?? []
    }

    /// Decodes an input record into an event, or the reason it must be dead-lettered.
    public func decode(_ record: InputRecord) -> Result<ActivityEvent, DeadLetterReason> {
        decoder.decode(key: record.key, value: record.value, traceparent: record.traceparent)
    }

    /// The instant an event is taken at: its own time, or the clock's when it is further ahead than the allowed skew.
    public func effectiveTime(of event: ActivityEvent, now: Instant) -> Instant {
        event.time > now.adding(seconds: programme.maxClockSkewSeconds) ? now : event.time
    }

    /// Whether the member is held out of `plan`: FNV-1a-64(plan id, 0, member id) mod 10 000 < percent × 100.
    public static func isHeldOut(memberID: String, planID: String, basisPoints: Int) -> Bool {
        guard basisPoints > 0 else { return false }
        var hash = FNV1a64()
        hash.combine(planID)
        hash.combine(byte: 0)
        hash.combine(memberID)
        return hash.value % 10_000 < UInt64(basisPoints)
    }
}

/// One record read from an input topic, as the domain needs it.
public struct InputRecord: Sendable {
    public var topic: String
    public var partition: Int32
    public var offset: Int64
    public var key: [UInt8]?
    public var value: [UInt8]?
    public var traceparent: String?

    public init(topic: String, partition: Int32, offset: Int64, key: [UInt8]?, value: [UInt8]?, traceparent: String? = nil) {
        self.topic = topic
        self.partition = partition
        self.offset = offset
        self.key = key
        self.value = value
        self.traceparent = traceparent
    }

    /// The dead-letter record for this input: the original key and value unchanged, with the `dlq-*` headers.
    public func deadLetter(_ reason: DeadLetterReason) -> OutputRecord {
        var headers = [
            OutputRecord.Header("dlq-reason", reason.code.rawValue),
            OutputRecord.Header("dlq-detail", reason.detail),
            OutputRecord.Header("dlq-topic", topic),
            OutputRecord.Header("dlq-partition", String(partition)),
            OutputRecord.Header("dlq-offset", String(offset)),
        ]
        if let traceparent { headers.append(OutputRecord.Header("traceparent", traceparent)) }
        return OutputRecord(role: .deadLetters, key: key, value: value, headers: headers)
    }
}

/// A time plan's id and trigger: everything a member's next occurrence of it is computed from.
struct TimeSchedule: Sendable {
    let planID: String
    let trigger: Trigger
}
