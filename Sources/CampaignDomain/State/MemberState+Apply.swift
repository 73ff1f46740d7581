extension MemberState {
    /// Applies an event's effect on the member (CONTRACT §2), with `time` as the event's effective time.
    ///
    /// Erasure is not handled here: the store forgets the member entirely.
    public mutating func apply(_ event: ActivityEvent, effectiveTime time: Instant, programme: Programme) {
        switch event.payload {
        case .enrolled(let profile):
            if enrolledAt == nil { enrolledAt = time }
            merge(profile)
        case .updated(let profile):
            merge(profile)
        case .activity:
            break
        case .orderCompleted(let order):
            orderCount += 1
            lifetimeSpend = lifetimeSpend + order.amount
            periodSpend.add(order.amount, on: zone(programme: programme).localDate(of: time))
            if let earned = order.pointsEarned {
                points.add(earned, expiresAt: programme.pointsExpiry.expiry(earnedAt: time, programmeZone: programme.timeZone))
            }
        case .orderReversed(let order):
            lifetimeSpend = max(.zero, lifetimeSpend - order.amount)
            periodSpend.add(.zero - order.amount, on: zone(programme: programme).localDate(of: time))
            points.consume(order.pointsDeducted)
        case .pointsEarned(let amount, let expiresAt, _):
            points.add(amount, expiresAt: expiresAt ?? programme.pointsExpiry.expiry(earnedAt: time, programmeZone: programme.timeZone))
        case .pointsRedeemed(let amount):
            points.consume(amount)
        case .pointsExpired(let amount, _):
            points.consume(amount)
        case .pointsAdjusted(let amount, let expiresAt):
            if amount >= 0 {
                points.add(amount, expiresAt: expiresAt ?? programme.pointsExpiry.expiry(earnedAt: time, programmeZone: programme.timeZone))
            } else {
                points.consume(-amount)
            }
        case .pointsSnapshot(let buckets):
            points.replace(with: buckets)
        case .tierChanged(_, let to):
            tier = to
        case .couponRedeemed:
            couponsRedeemed += 1
        case .erased, .unknown:
            return
        }
        if programme.activityTypes.contains(event.type) {
            recordActivity(at: time, programme: programme)
        }
        points.dropExpired(at: time)
    }

    /// Moves last activity forward (never back) and extends the member-local daily streak.
    mutating func recordActivity(at time: Instant, programme: Programme) {
        if lastActivity.map({ time > $0 }) ?? true { lastActivity = time }
        let today = zone(programme: programme).localDate(of: time)
        switch lastActiveDate {
        case .none:
            activityStreakDays = 1
            lastActiveDate = today
        case .some(let previous) where today == previous.adding(days: 1):
            activityStreakDays += 1
            lastActiveDate = today
        case .some(let previous) where today > previous:
            activityStreakDays = 1
            lastActiveDate = today
        default:
            break
        }
    }

    mutating func merge(_ profile: ProfileFields) {
        if let tier = profile.tier { self.tier = tier }
        if let birthday = profile.birthday { self.birthday = birthday }
        if let zone = profile.timeZone { timeZone = zone }
        if let locale = profile.locale { self.locale = locale }
        if let homeStore = profile.homeStore { self.homeStore = homeStore }
        if let tags = profile.tags { self.tags = Self.unique(tags) }
        for tag in profile.tagsAdd where !tags.contains(tag) { tags.append(tag) }
        if !profile.tagsRemove.isEmpty { tags.removeAll { profile.tagsRemove.contains($0) } }
        for (channel, granted) in profile.consents { consents[channel] = granted }
    }

    private static func unique(_ tags: [String]) -> [String] {
        var result: [String] = []
        for tag in tags where !result.contains(tag) { result.append(tag) }
        return result
    }
}
