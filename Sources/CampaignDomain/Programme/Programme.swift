/// Programme-wide settings that plans and member state rely on (the config file's `programme` object).
public struct Programme: Sendable {
    /// Local times of members without a time zone are read in this zone; points years are counted in it.
    public var timeZone: Zone
    /// Tiers from lowest to highest, for `tierChanged` directions.
    public var tiers: [String]
    public var pointsExpiry: PointsExpiryPolicy
    /// After downtime, occurrences due longer ago than this are skipped (reason `late`); nil never skips.
    public var maxLateness: ISODuration?
    /// Event types whose `time` counts as member activity (what dormancy measures from).
    public var activityTypes: Set<String>
    /// Events whose time is further than this ahead of the clock are taken at the clock's time.
    public var maxClockSkewSeconds: Int64
    /// Programme-wide notification caps, checked when a trigger fires.
    public var caps: [NotificationCap]

    public static let defaultActivityTypes: Set<String> = [
        "member.enrolled", "member.activity", "order.completed", "points.redeemed", "coupon.redeemed",
    ]

    public init(
        timeZone: Zone = Zone(identifier: "Asia/Shanghai")!,
        tiers: [String] = ["normal", "silver", "gold", "platinum", "diamond"],
        pointsExpiry: PointsExpiryPolicy = .endOfYearAfter(years: 1),
        maxLateness: ISODuration? = ISODuration("PT6H"),
        activityTypes: Set<String> = Programme.defaultActivityTypes,
        maxClockSkewSeconds: Int64 = 300,
        caps: [NotificationCap] = []
    ) {
        self.caps = caps
        self.timeZone = timeZone
        self.tiers = tiers
        self.pointsExpiry = pointsExpiry
        self.maxLateness = maxLateness
        self.activityTypes = activityTypes
        self.maxClockSkewSeconds = maxClockSkewSeconds
    }
}
