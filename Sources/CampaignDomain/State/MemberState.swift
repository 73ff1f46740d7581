/// Everything the worker remembers about one member.
///
/// A value type: the partition store owns it, evaluation reads it, and applying an event returns a changed copy.
public struct MemberState: Sendable, Hashable {
    public var id: String
    /// Enrolment time (the `member.enrolled` event's time); nil when events arrived before enrolment.
    public var enrolledAt: Instant?
    public var tier: String?
    public var birthday: Birthday?
    /// The member's time zone; nil means the programme's zone.
    public var timeZone: Zone?
    public var locale: String?
    public var homeStore: String?
    public var tags: [String] = []
    public var consents = Consents()
    /// Latest `time` of any activity-type event; never moves back.
    public var lastActivity: Instant?
    /// Consecutive member-local days with activity, ending on `lastActiveDate`.
    public var activityStreakDays: Int = 0
    public var lastActiveDate: LocalDate?
    public var orderCount: Int = 0
    public var lifetimeSpend: DecimalAmount = .zero
    /// Spend in the current member-local year and month.
    public var periodSpend = PeriodSpend()
    public var points = PointsLedger()
    /// Coupons redeemed (from `coupon.redeemed`), for conversion counts.
    public var couponsRedeemed: Int = 0
    /// Hashes of the member's last events, to recognise duplicates.
    public var recentEvents = DuplicateMemory()
    /// Occurrences already evaluated (fired or suppressed), so none is evaluated twice.
    public var occurrences = OccurrenceLog()
    /// Notification jobs held by quiet hours, in release order.
    public var heldNotifications: [HeldNotification] = []
    /// The last member-local date each recurring plan was evaluated for this member.
    public var recurringLast: [String: LocalDate] = [:]
    /// Notifications sent (by fire time and channel) within the longest programme cap window.
    public var notificationsSent: [SentNotification] = []
    /// Occurrences whose fire time is before this instant are not considered: they became known too late.
    public var horizon: Instant
    /// The earliest pending fire time of any time trigger, as last scheduled; nil when nothing is pending.
    public var nextDue: Instant?

    public init(id: String, horizon: Instant) {
        self.id = id
        self.horizon = horizon
    }

    /// The member's IANA zone identifier; nil means the programme's zone (setting an unknown one clears it).
    public var timeZoneID: String? {
        get { timeZone?.identifier }
        set { timeZone = newValue.flatMap(Zone.init(identifier:)) }
    }

    /// The zone the member's local times are read in.
    public func zone(programme: Programme) -> Zone {
        timeZone ?? programme.timeZone
    }
}

/// A ring of the last 16 event hashes (source + id) seen for a member.
public struct DuplicateMemory: Sendable, Hashable {
    public static let capacity = 16
    // Internal (not private) so `MemberStateCodec` can store the ring exactly as it is.
    var hashes: [UInt64] = []
    var next = 0

    public init() {}

    public func contains(_ hash: UInt64) -> Bool { hashes.contains(hash) }

    public mutating func insert(_ hash: UInt64) {
        if hashes.count < Self.capacity {
            hashes.append(hash)
        } else {
            hashes[next] = hash
            next = (next + 1) % Self.capacity
        }
    }
}

/// A notification counted against programme caps.
public struct SentNotification: Sendable, Hashable {
    public var at: Instant
    public var channel: Channel

    public init(at: Instant, channel: Channel) {
        self.at = at
        self.channel = channel
    }
}

/// One evaluated occurrence of a plan for a member.
public struct HandledOccurrence: Sendable, Hashable {
    public var planID: String
    public var occurrence: String
    /// The occurrence's scheduled instant (`trigger.firedAt`).
    public var firedAt: Instant
    /// Whether it counts towards `limits.perMember` (passed status, window and audience).
    public var counted: Bool

    public init(planID: String, occurrence: String, firedAt: Instant, counted: Bool) {
        self.planID = planID
        self.occurrence = occurrence
        self.firedAt = firedAt
        self.counted = counted
    }
}

/// The occurrences a member has had evaluated, kept long enough to stop any re-firing.
public struct OccurrenceLog: Sendable, Hashable {
    /// Entries older than this behind the member's horizon are pruned (two years covers yearly triggers and their offsets).
    public static let retentionSeconds: Int64 = 800 * 86_400
    public private(set) var entries: [HandledOccurrence] = []

    public init() {}

    public func contains(planID: String, occurrence: String) -> Bool {
        entries.contains { $0.planID == planID && $0.occurrence == occurrence }
    }

    /// Like `contains(planID:occurrence:)`, spelling the name out only when the plan has entries at all.
    public func contains(planID: String, name: Occurrence.Name) -> Bool {
        guard entries.contains(where: { $0.planID == planID }) else { return false }
        return contains(planID: planID, occurrence: name.description)
    }

    public mutating func record(_ entry: HandledOccurrence) { entries.append(entry) }

    /// Counted firings of `planID` with `firedAt` in `(since, through]`.
    public func countedFirings(planID: String, after since: Instant, through: Instant) -> Int {
        entries.reduce(0) { $0 + ($1.planID == planID && $1.counted && $1.firedAt > since && $1.firedAt <= through ? 1 : 0) }
    }

    public mutating func prune(before horizon: Instant) {
        let cutoff = horizon.adding(seconds: -Self.retentionSeconds)
        entries.removeAll { $0.firedAt < cutoff }
    }
}
