/// A targeted plan: a trigger (execution condition), an audience, actions and the delivery rules (CONTRACT §3).
public struct Plan: Sendable, Hashable {
    public var id: String { didSet { updateRecordTemplate() } }
    public var version: Int { didSet { updateRecordTemplate() } }
    public var name: String?
    public var status: Status
    public var trigger: Trigger { didSet { updateRecordTemplate() } }
    /// Who may receive it; nil means every member.
    public var audience: AudiencePredicate?
    public var actions: [PlanAction]
    public var schedule: Schedule
    public var limits: Limits
    /// The held-out share in hundredths of a percent (0…10 000).
    public var holdoutBasisPoints: Int
    /// `transactional` plans do not count towards programme-wide notification caps.
    public var category: Category

    public init(
        id: String, version: Int = 1, name: String? = nil, status: Status = .active, trigger: Trigger,
        audience: AudiencePredicate? = nil, actions: [PlanAction], schedule: Schedule = Schedule(),
        limits: Limits = Limits(), holdoutBasisPoints: Int = 0, category: Category = .marketing
    ) {
        self.id = id
        self.version = version
        self.name = name
        self.status = status
        self.trigger = trigger
        self.audience = audience
        self.actions = actions
        self.schedule = schedule
        self.limits = limits
        self.holdoutBasisPoints = holdoutBasisPoints
        self.category = category
        recordTemplate = Self.recordTemplate(id: id, version: version, trigger: trigger)
    }

    /// What this plan's jobs and decisions write alike: the start of their `plan` and `trigger` members and their
    /// `plan-id` header (see `JobEncoder.RecordTemplate`).
    ///
    /// The same for every record of the plan: made once here, copied into each record.
    private(set) var recordTemplate: JobEncoder.RecordTemplate

    private mutating func updateRecordTemplate() {
        recordTemplate = Self.recordTemplate(id: id, version: version, trigger: trigger)
    }

    private static func recordTemplate(id: String, version: Int, trigger: Trigger) -> JobEncoder.RecordTemplate {
        JobEncoder.RecordTemplate(planID: id, version: version, triggerType: trigger.typeName)
    }

    public enum Status: String, Sendable, Hashable {
        case active, paused, draft
    }

    public enum Category: String, Sendable, Hashable {
        case marketing, transactional
    }

    /// The window `[startsAt, endsAt)` tested against `firedAt`.
    public struct Schedule: Sendable, Hashable {
        public var startsAt: Instant?
        public var endsAt: Instant?
        /// Notification jobs that fire inside these member-local hours are held until they end.
        public var quietHours: QuietHours?

        public init(startsAt: Instant? = nil, endsAt: Instant? = nil, quietHours: QuietHours? = nil) {
            self.startsAt = startsAt
            self.endsAt = endsAt
            self.quietHours = quietHours
        }

        public func contains(_ instant: Instant) -> Bool {
            if let startsAt, instant < startsAt { return false }
            if let endsAt, instant >= endsAt { return false }
            return true
        }
    }

    public struct Limits: Sendable, Hashable {
        /// At most `count` firings per member within `within`.
        public var perMember: PerMember?
        /// Coupons this plan may issue in all, across replicas (each partition owns a share).
        public var totalCoupons: Int?

        public init(perMember: PerMember? = nil, totalCoupons: Int? = nil) {
            self.perMember = perMember
            self.totalCoupons = totalCoupons
        }

        public struct PerMember: Sendable, Hashable {
            public var count: Int
            public var within: ISODuration

            public init(count: Int, within: ISODuration) {
                self.count = count
                self.within = within
            }
        }
    }
}

/// Member-local quiet hours `[from, to)`, which may wrap midnight (`21:00`–`09:00`).
public struct QuietHours: Sendable, Hashable {
    public var from: LocalTime
    public var to: LocalTime

    public init(from: LocalTime, to: LocalTime) {
        self.from = from
        self.to = to
    }

    /// Whether a wall-clock time falls inside the quiet hours.
    public func contains(_ time: LocalTime) -> Bool {
        from < to ? (time >= from && time < to) : (time >= from || time < to)
    }

    /// When a notification fired at `instant` may be sent: the next `to` in `zone`, or nil when not quiet.
    public func release(of instant: Instant, in zone: Zone) -> Instant? {
        let local = zone.localDateTime(of: instant)
        guard contains(local.time) else { return nil }
        // Before `to` on the same date (the after-midnight part), else the next date's `to`.
        let date = local.time < to ? local.date : local.date.adding(days: 1)
        return zone.instant(of: date, at: to)
    }
}

/// What a plan does when it fires for a member.
public enum PlanAction: Sendable, Hashable {
    case coupon(CouponAction)
    case notify(NotifyAction)
}

public struct CouponAction: Sendable, Hashable {
    public var template: String
    public var validity: Validity
    public var params: JSONObject

    public init(template: String, validity: Validity, params: JSONObject = JSONObject()) {
        self.template = template
        self.validity = validity
        self.params = params
    }

    public enum Validity: Sendable, Hashable {
        /// `validDays` member-local calendar days after `validFrom`.
        case days(Int)
        /// A fixed end instant.
        case until(Instant)
    }
}

public struct NotifyAction: Sendable, Hashable {
    /// In order of preference; the first the member consented to is used.
    public var channels: [Channel]
    public var template: String
    public var params: JSONObject

    public init(channels: [Channel], template: String, params: JSONObject = JSONObject()) {
        self.channels = channels
        self.template = template
        self.params = params
    }
}
