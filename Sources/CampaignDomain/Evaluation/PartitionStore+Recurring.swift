/// Where a recurring plan stands in one time zone.
struct RecurringCursor: Sendable, Hashable {
    struct Key: Sendable, Hashable, Comparable {
        var planID: String
        /// A zone id, or "" for the programme's zone.
        var zoneKey: String

        static func < (lhs: Key, rhs: Key) -> Bool { (lhs.planID, lhs.zoneKey) < (rhs.planID, rhs.zoneKey) }
    }

    var fireAt: Instant
    var trigger: RecurringTrigger
}

/// Each zone's members (by slot) in the order a sweep visits them, as of one `MemberTable.generation`.
struct SweepOrders: Sendable {
    let generation: Int
    /// By the zone's interned box (nil for the programme's zone).
    let slotsByZone: [ObjectIdentifier?: [UInt32]]
}

extension PartitionStore {
    /// Evaluates each recurring plan for the members of each zone whose local fire time has come.
    ///
    /// One cursor per (plan, zone) instead of one timer per member: a monthly statement for millions of members keeps
    /// a handful of cursors, and each sweep walks the zone's members once.
    mutating func sweepRecurring(now: Instant, engine: Engine, into out: inout [OutputRecord]) {
        while let (key, cursor) = recurringCursors.filter({ $0.value.fireAt <= now }).min(by: { ($0.value.fireAt, $0.key) < ($1.value.fireAt, $1.key) }) {
            guard let plan = engine.recurringPlans.first(where: { $0.id == key.planID }) else {
                recurringCursors[key] = nil
                continue
            }
            let zone = zone(for: key.zoneKey, engine: engine)
            let date = zone.localDate(of: cursor.fireAt)
            let occurrence = Occurrence(key: date.description, fireAt: cursor.fireAt, details: .recurring(date))
            // One evaluator for the sweep: making one per member copied the engine for each.
            let evaluator = Evaluator(engine: engine, now: now, zone: zone, traceparent: nil)
            for slot in sweepOrder(inZone: key.zoneKey) {
                // The member is read in the closure only: a copy still held when it is changed below would make the
                // change copy its box.
                let eligibleID = members.member(inSlot: slot).flatMap {
                    $0.horizon <= cursor.fireAt && ($0.recurringLast[plan.id].map { $0 < date } ?? true) ? $0.id : nil
                }
                guard let memberID = eligibleID else { continue }
                // Journalled, then taken out of its slot while it changes (as `processMember(inSlot:)` does): changed
                // through a copy read by id, the member's box was copied on every sweep.
                noteChange(memberID, inSlot: slot)
                guard var member = members.takeMember(inSlot: slot) else { continue }
                evaluator.evaluate(plan: plan, occurrence: occurrence, member: &member, budget: &budget, into: &out)
                var queued: Instant?
                if member.heldNotifications.first.map({ held in member.nextDue.map { held.releaseAt < $0 } ?? true }) ?? false {
                    let previous = member.nextDue
                    member.nextDue = Self.nextDue(of: member, engine: engine)
                    if let due = member.nextDue, due != previous { queued = due }
                }
                members.putBack(member, inSlot: slot)
                if let queued { timers.push(queued, slot: slot) }
            }
            recurringCursors[key]?.fireAt = Self.nextFire(of: cursor.trigger, in: zone, after: cursor.fireAt)
        }
    }

    /// Creates cursors for every recurring plan in every zone that has members.
    ///
    /// A new cursor starts at the clock less `maxLateness` (when lateness applies), so occurrences missed while the
    /// partition was elsewhere or the worker was down still fire on recovery when they are recent enough.
    mutating func ensureCursors(engine: Engine) {
        guard !engine.recurringPlans.isEmpty, let clock else { return }
        var start = clock
        if engine.enforcesLateness, let lateness = engine.programme.maxLateness {
            start = clock.adding(seconds: -lateness.approximateSeconds)
        }
        for plan in engine.recurringPlans {
            guard case .recurring(let trigger) = plan.trigger else { continue }
            for zoneKey in zoneCounts.keys {
                let key = RecurringCursor.Key(planID: plan.id, zoneKey: zoneKey)
                guard recurringCursors[key] == nil else { continue }
                let zone = zone(for: zoneKey, engine: engine)
                recurringCursors[key] = RecurringCursor(
                    fireAt: Self.nextFire(of: trigger, in: zone, after: start.adding(millis: -1)), trigger: trigger)
            }
        }
    }

    /// Moves a member between zone counts (`old` nil: the member was not in the store) and makes sure its zone has
    /// cursors.
    mutating func reindex(_ memberID: String, from old: String?, to new: String, engine: Engine) {
        sweepOrders = nil
        if old != new {
            if let old { uncount(zoneKey: old) }
            zoneCounts[new, default: 0] += 1
        }
        ensureCursors(engine: engine)
    }

    /// Takes a member off its zone's count, forgetting zones left without members.
    mutating func uncount(zoneKey: String) {
        sweepOrders = nil
        guard let count = zoneCounts[zoneKey] else { return }
        zoneCounts[zoneKey] = count > 1 ? count - 1 : nil
    }

    /// The ids of the members in a zone, sorted (a sweep's order).
    func memberIDs(inZone zoneKey: String) -> [String] {
        guard case .some(let zone) = Self.sharedZone(forKey: zoneKey) else { return [] }
        return members.slotsSortedByID { $0.storage.sharedTimeZone === zone }.map(\.id)
    }

    /// The interned box of the zone a zone key names: `.some(nil)` for the programme's zone (`""`), nil for a zone the
    /// database does not know.
    ///
    /// Zones are interned without a cap, so the box identifies the zone: members are matched by box, without copying
    /// strings.
    static func sharedZone(forKey zoneKey: String) -> SharedValue<Zone>?? {
        if zoneKey.isEmpty { return .some(nil) }
        return Zone(identifier: zoneKey).map { .some(SharedValues.zone($0)) } ?? nil
    }

    /// The slots of a zone's members sorted by member id, the order a sweep visits them.
    ///
    /// Every zone's are made in one walk over the members and kept until a member comes, goes or changes zone: each
    /// sweep of each plan in each zone walked every member and sorted the zone's ids again. They cost 4 bytes a member.
    mutating func sweepOrder(inZone zoneKey: String) -> [UInt32] {
        if sweepOrders?.generation != members.generation {
            var byZone: [ObjectIdentifier?: [UInt32]] = [:]
            for (_, slot) in members.slotsSortedByID() {
                let zone = members.member(inSlot: slot)?.storage.sharedTimeZone.map(ObjectIdentifier.init)
                byZone[zone, default: []].append(slot)
            }
            // Copied to their exact size: grown by appending, they kept up to twice the room.
            sweepOrders = SweepOrders(generation: members.generation, slotsByZone: byZone.mapValues { $0.withUnsafeBufferPointer(Array.init) })
        }
        guard case .some(let zone) = Self.sharedZone(forKey: zoneKey) else { return [] }
        return sweepOrders?.slotsByZone[zone.map(ObjectIdentifier.init)] ?? []
    }

    func zone(for key: String, engine: Engine) -> Zone {
        key.isEmpty ? engine.programme.timeZone : Zone(identifier: key) ?? engine.programme.timeZone
    }

    /// The first fire instant of `trigger` in `zone` strictly after `instant`.
    static func nextFire(of trigger: RecurringTrigger, in zone: Zone, after instant: Instant) -> Instant {
        var date = trigger.firstDate(onOrAfter: zone.localDate(of: instant))
        while true {
            let fireAt = zone.instant(of: date, at: trigger.at)
            if fireAt > instant { return fireAt }
            date = trigger.firstDate(onOrAfter: date.adding(days: 1))
        }
    }
}
