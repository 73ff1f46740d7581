import CampaignDomain

/// Member states for tests of code that stores or restores members.
public enum MemberStateFactory {
    /// A member with every field away from its default, so a codec test sees each one.
    ///
    /// When `MemberState` gains a field, set it here too: `MemberStateCodecTests` fails until the codec writes it.
    public static func fullyPopulated(id: String = "m-1001") -> MemberState {
        var member = MemberState(id: id, horizon: Instant.at("2026-03-01T08:00:00.123Z"))
        member.enrolledAt = Instant.at("2025-01-05T02:00:00Z")
        member.tier = "gold"
        member.birthday = Birthday(year: 1990, month: 2, day: 29)
        member.timeZone = Zone(identifier: "America/New_York")
        member.locale = "zh-CN"
        member.homeStore = "store-42"
        member.tags = ["vip", "会员", "blocked"]
        member.consents = Consents([.sms: true, .email: false, .wechat: true])
        member.lastActivity = Instant.at("2026-02-27T15:30:00Z")
        member.activityStreakDays = 3
        member.lastActiveDate = LocalDate(year: 2026, month: 2, day: 27)
        member.orderCount = 12
        member.lifetimeSpend = DecimalAmount("12345.67")!
        member.points = PointsLedger(buckets: [
            PointsBucket(expiresAt: Instant.at("2026-12-31T16:00:00Z"), amount: 1200),
            PointsBucket(expiresAt: nil, amount: 50),
            PointsBucket(expiresAt: Instant.at("2026-04-01T00:00:00Z"), amount: 7),
        ])
        member.periodSpend.add(DecimalAmount("199.5")!, on: LocalDate(year: 2026, month: 2, day: 27))
        member.couponsRedeemed = 2
        // More than the ring holds, so the ring has wrapped and its next slot is not 0.
        for index in 0..<(DuplicateMemory.capacity + 5) { member.recentEvents.insert(UInt64(index) &* 0x9E37_79B9_7F4A_7C15) }
        member.occurrences.record(
            HandledOccurrence(planID: "birthday-gold", occurrence: "2025", firedAt: Instant.at("2025-02-28T14:00:00Z"), counted: true))
        member.occurrences.record(
            HandledOccurrence(
                planID: "win-back", occurrence: "2026-01-01T00:00:00Z/30d", firedAt: Instant.at("2026-01-31T14:00:00Z"),
                counted: false))
        member.occurrences.record(
            HandledOccurrence(planID: "birthday-gold", occurrence: "2026", firedAt: Instant.at("2026-02-28T14:00:00Z"), counted: true))
        member.notificationsSent = [
            SentNotification(at: Instant.at("2026-02-28T14:00:00Z"), channel: .wechat),
            SentNotification(at: Instant.at("2026-01-31T14:00:00Z"), channel: .sms),
        ]
        member.heldNotifications = [
            HeldNotification(
                jobID: JobID(text: "6b82b1b9-938f-8c4b-aecc-a7a470e3d5ad")!, planID: "birthday-gold", planVersion: 3,
                trigger: TriggerRef(type: "birthday", occurrence: "2026", firedAt: Instant.at("2026-02-28T14:00:00Z")),
                channel: .wechat, template: "birthday-greeting", locale: "zh-CN",
                params: JSONObject([("couponTemplate", .string("BDAY-50")), ("points", .number("1200"))]),
                releaseAt: Instant.at("2026-03-01T14:00:00Z"), traceparent: "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"),
            HeldNotification(
                jobID: JobID(text: "79e90907-259f-845d-8513-2a24a7d32e1c")!, planID: "win-back", planVersion: 1,
                trigger: TriggerRef(type: "dormancy", occurrence: "2026-01-01T00:00:00Z/30d", firedAt: Instant.at("2026-03-01T02:00:00Z")),
                channel: .sms, template: "we-miss-you", locale: nil, params: JSONObject(), releaseAt: Instant.at("2026-03-01T14:00:00Z"),
                traceparent: nil),
        ]
        member.recurringLast = ["monthly-statement": LocalDate(year: 2026, month: 2, day: 1), "weekly": LocalDate(year: 2026, month: 2, day: 23)]
        member.nextDue = Instant.at("2026-03-29T13:00:00Z")
        return member
    }
}
