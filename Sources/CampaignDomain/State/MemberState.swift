/// Everything the worker remembers about one member.
///
/// A value type: the partition store owns it, evaluation reads it, and applying an event returns a changed copy.
/// The fields live in one copy-on-write box (`MemberState.Storage`), so a member costs the store's dictionaries a single
/// pointer, and fields most members never use sit in a second, optional box (see `MemberState+Storage`).
public struct MemberState: Sendable, Hashable {
    var storage: Storage

    public init(id: String, horizon: Instant) {
        storage = Storage(id: id, horizon: horizon.epochMillis)
    }

    /// The box, copied first when another value shares it, so a change never shows through a copy.
    @inline(__always)
    mutating func uniqueStorage() -> Storage {
        if !isKnownUniquelyReferenced(&storage) { storage = storage.copy() }
        return storage
    }

    public var id: String {
        get { storage.id }
        set { uniqueStorage().id = newValue }
    }

    /// Enrolment time (the `member.enrolled` event's time); nil when events arrived before enrolment.
    public var enrolledAt: Instant? {
        get { storage.instant(storage.enrolledAt, .enrolledAt) }
        set {
            let box = uniqueStorage()
            box.enrolledAt = box.stored(newValue, flag: .enrolledAt)
        }
    }

    public var tier: String? {
        get { storage.tier }
        set { uniqueStorage().tier = newValue }
    }

    public var birthday: Birthday? {
        get { storage.birthday }
        set { uniqueStorage().birthday = newValue }
    }

    /// The member's time zone; nil means the programme's zone.
    public var timeZone: Zone? {
        get { storage.timeZone }
        set { uniqueStorage().timeZone = newValue }
    }

    public var locale: String? {
        get { storage.locale }
        set { uniqueStorage().locale = newValue }
    }

    public var homeStore: String? {
        get { storage.rare?.fields.homeStore }
        _modify {
            let box = uniqueStorage()
            var rare = box.takeRare()
            defer { box.putRare(&rare) }
            yield &rare.homeStore
        }
    }

    public var tags: [String] {
        get { storage.tags }
        set { uniqueStorage().tags = newValue }
    }

    public var consents: Consents {
        get { storage.consents }
        _modify { yield &uniqueStorage().consents }
    }

    /// Latest `time` of any activity-type event; never moves back.
    public var lastActivity: Instant? {
        get { storage.instant(storage.lastActivity, .lastActivity) }
        set {
            let box = uniqueStorage()
            box.lastActivity = box.stored(newValue, flag: .lastActivity)
        }
    }

    /// Consecutive member-local days with activity, ending on `lastActiveDate`.
    public var activityStreakDays: Int {
        get { storage.activityStreakDays }
        set { uniqueStorage().activityStreakDays = newValue }
    }

    public var lastActiveDate: LocalDate? {
        get { storage.lastActiveDay.map(LocalDate.init(daysSinceEpoch:)) }
        set { uniqueStorage().lastActiveDay = newValue?.daysSinceEpoch }
    }

    public var orderCount: Int {
        get { storage.orderCount }
        set { uniqueStorage().orderCount = newValue }
    }

    public var lifetimeSpend: DecimalAmount {
        get { DecimalAmount(micros: storage.lifetimeSpendMicros) }
        set { uniqueStorage().lifetimeSpendMicros = newValue.micros }
    }

    /// Spend in the current member-local year and month.
    public var periodSpend: PeriodSpend {
        get { storage.periodSpend }
        set { uniqueStorage().periodSpend = newValue }
    }

    public var points: PointsLedger {
        get { storage.points }
        _modify { yield &uniqueStorage().points }
    }

    /// Coupons redeemed (from `coupon.redeemed`), for conversion counts.
    public var couponsRedeemed: Int {
        get { storage.rare?.fields.couponsRedeemed ?? 0 }
        _modify {
            let box = uniqueStorage()
            var rare = box.takeRare()
            defer { box.putRare(&rare) }
            yield &rare.couponsRedeemed
        }
    }

    /// Hashes of the member's last events, to recognise duplicates.
    public var recentEvents: DuplicateMemory {
        get { storage.recentEvents }
        _modify { yield &uniqueStorage().recentEvents }
    }

    /// Whether the occurrence `name` of `planID` was evaluated already; reads the log where it is stored.
    ///
    /// Asked for every candidate occurrence of every time plan. Through `occurrences`, each call copied the whole log
    /// out of the shared storage box first (the compiler cannot rule out a write to a class's property during the call):
    /// a retain and a release per entry, through generic value witnesses.
    public func hasHandled(planID: String, name: Occurrence.Name) -> Bool {
        // Only read through the pointer; the inout access neither copies the box nor makes it unique.
        withUnsafePointer(to: &storage.occurrences) { $0.pointee.contains(planID: planID, name: name) }
    }

    /// Occurrences already evaluated (fired or suppressed), so none is evaluated twice.
    public var occurrences: OccurrenceLog {
        get { storage.occurrences }
        _modify { yield &uniqueStorage().occurrences }
    }

    /// Notification jobs held by quiet hours, in release order.
    public var heldNotifications: [HeldNotification] {
        get { storage.rare?.fields.heldNotifications ?? [] }
        _modify {
            let box = uniqueStorage()
            var rare = box.takeRare()
            defer { box.putRare(&rare) }
            yield &rare.heldNotifications
        }
    }

    /// The last member-local date each recurring plan was evaluated for this member.
    public var recurringLast: [String: LocalDate] {
        get { storage.rare?.fields.recurringLast ?? [:] }
        _modify {
            let box = uniqueStorage()
            var rare = box.takeRare()
            defer { box.putRare(&rare) }
            yield &rare.recurringLast
        }
    }

    /// Notifications sent (by fire time and channel) within the longest programme cap window.
    public var notificationsSent: [SentNotification] {
        get { storage.rare?.fields.notificationsSent ?? [] }
        _modify {
            let box = uniqueStorage()
            var rare = box.takeRare()
            defer { box.putRare(&rare) }
            yield &rare.notificationsSent
        }
    }

    /// Occurrences whose fire time is before this instant are not considered: they became known too late.
    public var horizon: Instant {
        get { Instant(epochMillis: storage.horizon) }
        set { uniqueStorage().horizon = newValue.epochMillis }
    }

    /// The earliest pending fire time of any time trigger, as last scheduled; nil when nothing is pending.
    public var nextDue: Instant? {
        get { storage.instant(storage.nextDue, .nextDue) }
        set {
            let box = uniqueStorage()
            box.nextDue = box.stored(newValue, flag: .nextDue)
        }
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

    public static func == (lhs: MemberState, rhs: MemberState) -> Bool {
        lhs.storage === rhs.storage || lhs.storage.hasEqualFields(rhs.storage)
    }

    public func hash(into hasher: inout Hasher) { storage.hashFields(into: &hasher) }
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
