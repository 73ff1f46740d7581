/// Evaluates one occurrence of one plan for one member, in the contract's check order, and writes what it produced.
///
/// Order (CONTRACT §3): paused → window → late → audience → holdout → per-member limit → budget; then per action
/// `no-consent` and `capped`; then quiet hours decide `sendAfter`. The first failing check is the decision's reason.
struct Evaluator {
    let engine: Engine
    let now: Instant
    let zone: Zone
    let traceparent: String?

    func evaluate(
        plan: Plan, occurrence: Occurrence, member: inout MemberState, budget: inout PartitionBudget,
        into out: inout [OutputRecord]
    ) {
        let firedAt = occurrence.fireAt
        if case .pointsExpiring(let trigger) = plan.trigger, case .pointsExpiring(let expiresAt, _) = occurrence.details,
            member.points.points(expiringAt: expiresAt) < trigger.minPoints
        {
            // Not enough points left at fire time: the trigger did not happen, so there is no decision.
            member.occurrences.record(HandledOccurrence(planID: plan.id, occurrence: occurrence.key, firedAt: firedAt, counted: false))
            return
        }
        let today = zone.localDate(of: firedAt)
        let inAudience = plan.audience?.matches(member, today: today, zone: zone) ?? true
        if case .recurring = plan.trigger {
            // Recurring triggers record decisions only for members inside the audience.
            guard inAudience, case .recurring = occurrence.details else { return }
        }
        // Spelled out once: the decision, every job id and the occurrence log all name it.
        let key = occurrence.key
        var counted = false
        let couponActions = plan.actions.reduce(0) { if case .coupon = $1 { $0 + 1 } else { $0 } }
        let reason: SuppressionReason? = {
            if plan.status == .paused { return .paused }
            if !plan.schedule.contains(firedAt) { return .window }
            if engine.enforcesLateness, let maxLateness = engine.programme.maxLateness,
                now > firedAt.adding(seconds: maxLateness.approximateSeconds)
            {
                return .late
            }
            if !inAudience { return .audience }
            counted = true
            if Engine.isHeldOut(memberID: member.id, planID: plan.id, basisPoints: plan.holdoutBasisPoints) { return .holdout }
            if let limit = plan.limits.perMember {
                let since = zone.subtracting(limit.within, from: firedAt)
                if member.occurrences.countedFirings(planID: plan.id, after: since, through: firedAt) >= limit.count {
                    counted = false
                    return .limit
                }
            }
            if !budget.allows(couponActions, of: plan) {
                counted = false
                return .budget
            }
            return nil
        }()
        record(plan: plan, occurrence: occurrence, key: key, counted: counted, member: &member)
        let trigger = TriggerRef(type: plan.trigger.typeName, occurrence: key, firedAt: firedAt)
        if let reason {
            guard engine.decisionsEnabled else { return }
            let encoder = JobEncoder(memberID: member.id, plan: plan, trigger: trigger, createdAt: now, traceparent: traceparent)
            emitDecision(encoder, reason: reason, jobIDs: InlineList(), suppressed: [], into: &out)
            return
        }
        // Inline: most plans have one or two actions, and an array of them was an allocation per occurrence.
        var jobIDs = InlineList<JobID>()
        var suppressed: [(action: Int, reason: SuppressionReason)] = []
        let encoder = JobEncoder(memberID: member.id, plan: plan, trigger: trigger, createdAt: now, traceparent: traceparent)
        for (index, action) in plan.actions.enumerated() {
            let jobID = JobID(planID: plan.id, memberID: member.id, occurrence: key, actionIndex: index)
            switch action {
            case .coupon(let coupon):
                let validUntil: Instant
                switch coupon.validity {
                case .days(let days): validUntil = zone.adding(days: days, to: firedAt)
                case .until(let instant): validUntil = instant
                }
                out.append(encoder.couponJob(jobID: jobID, coupon: coupon, validFrom: firedAt, validUntil: validUntil))
                jobIDs.append(jobID)
                if plan.limits.totalCoupons != nil { budget.issued[plan.id, default: 0] += 1 }
            case .notify(let notify):
                guard let channel = notify.channels.first(where: { member.consents[$0] == true }) else {
                    suppressed.append((index, .noConsent))
                    continue
                }
                if plan.category != .transactional {
                    guard withinCaps(channel: channel, firedAt: firedAt, member: member) else {
                        suppressed.append((index, .capped))
                        continue
                    }
                    member.notificationsSent.append(SentNotification(at: firedAt, channel: channel))
                }
                let params = notificationParams(notify, plan: plan, occurrence: occurrence, member: member)
                jobIDs.append(jobID)
                if let releaseAt = plan.schedule.quietHours?.release(of: firedAt, in: zone) {
                    member.heldNotifications.append(
                        HeldNotification(
                            jobID: jobID, planID: plan.id, planVersion: plan.version, trigger: trigger, channel: channel,
                            template: notify.template, locale: member.locale, params: params.object, releaseAt: releaseAt,
                            traceparent: traceparent))
                    member.heldNotifications.sort { $0.releaseAt < $1.releaseAt }
                } else {
                    out.append(
                        encoder.notificationJob(
                            jobID: jobID, channel: channel, template: notify.template, locale: member.locale, params: params,
                            sendAfter: firedAt))
                }
            }
        }
        let allSuppressed = jobIDs.isEmpty && !suppressed.isEmpty
        emitDecision(
            encoder, reason: allSuppressed ? suppressed[0].reason : nil, jobIDs: jobIDs,
            suppressed: allSuppressed ? [] : suppressed, into: &out)
    }

    /// Remembers that the occurrence was evaluated, so it is never evaluated again.
    ///
    /// Occurrences named after an event id cannot recur (the event is remembered as a duplicate), so they are only
    /// logged when they count towards a per-member limit; recurring plans keep their last date instead.
    func record(plan: Plan, occurrence: Occurrence, key: String, counted: Bool, member: inout MemberState) {
        switch plan.trigger {
        case .recurring:
            if case .recurring(let date) = occurrence.details { member.recurringLast[plan.id] = date }
            guard counted, plan.limits.perMember != nil else { return }
        case .event, .tierChanged:
            guard counted, plan.limits.perMember != nil else { return }
        default:
            break
        }
        member.occurrences.record(HandledOccurrence(planID: plan.id, occurrence: key, firedAt: occurrence.fireAt, counted: counted))
    }

    /// Whether one more notification on `channel` at `firedAt` stays within every programme cap.
    func withinCaps(channel: Channel, firedAt: Instant, member: MemberState) -> Bool {
        for cap in engine.programme.caps where cap.channel == nil || cap.channel == channel {
            let since = zone.subtracting(cap.within, from: firedAt)
            let sent = member.notificationsSent.reduce(0) {
                $0 + ($1.at > since && $1.at <= firedAt && (cap.channel == nil || $1.channel == cap.channel) ? 1 : 0)
            }
            if sent >= cap.count { return false }
        }
        return true
    }

    /// The plan's params, then the facts a notification template typically shows, unless the plan set them itself.
    func notificationParams(_ notify: NotifyAction, plan: Plan, occurrence: Occurrence, member: MemberState) -> NotificationParams {
        var params = NotificationParams(notify.params)
        for case .coupon(let coupon) in plan.actions {
            params.add("couponTemplate", .text(coupon.template))
            break
        }
        switch occurrence.details {
        case .none, .event:
            break
        case .dormancy(let days):
            params.add("inactiveDays", .integer(Int64(days)))
            params.add("pointsBalance", .integer(member.points.balance))
        case .pointsExpiring(let expiresAt, _):
            params.add("pointsExpiring", .integer(member.points.points(expiringAt: expiresAt)))
            params.add("expiresAt", .instant(expiresAt))
            params.add("pointsBalance", .integer(member.points.balance))
        case .anniversary(let years):
            params.add("years", .integer(Int64(years)))
        case .spend(let amount):
            params.add("spend", .text(amount.moneyText))
        case .recurring:
            params.add("pointsBalance", .integer(member.points.balance))
        }
        if case .tierChanged = plan.trigger, let tier = member.tier { params.add("tier", .text(tier)) }
        return params
    }

    /// Writes the decision with the encoder that wrote the occurrence's jobs (it shares their key and headers).
    func emitDecision(
        _ encoder: JobEncoder, reason: SuppressionReason?, jobIDs: InlineList<JobID>,
        suppressed: [(action: Int, reason: SuppressionReason)], into out: inout [OutputRecord]
    ) {
        guard engine.decisionsEnabled else { return }
        out.append(encoder.decision(reason: reason, jobIDs: jobIDs, suppressedActions: suppressed))
    }
}

/// Why an occurrence or an action was suppressed (the decision's `reason`).
public enum SuppressionReason: String, Sendable, Hashable, CaseIterable {
    case paused, window, late, audience, holdout, limit, budget
    case noConsent = "no-consent"
    case capped
}

/// The `trigger` object of jobs and decisions.
public struct TriggerRef: Sendable, Hashable {
    public var type: String
    public var occurrence: String
    public var firedAt: Instant

    public init(type: String, occurrence: String, firedAt: Instant) {
        self.type = type
        self.occurrence = occurrence
        self.firedAt = firedAt
    }
}

extension Zone {
    /// The instant `duration` before `instant`, on the member-local calendar.
    public func subtracting(_ duration: ISODuration, from instant: Instant) -> Instant {
        var result = instant.adding(seconds: -duration.seconds)
        if duration.months != 0 || duration.days != 0 {
            var local = localDateTime(of: result)
            local.date = local.date.adding(months: -duration.months).adding(days: -duration.days)
            result = self.instant(of: local).adding(millis: result.epochMillis - result.epochSeconds * 1000)
        }
        return result
    }
}
