/// The members of one input partition, their pending time triggers, recurring sweeps and coupon budget share.
///
/// Each input partition has its own store, so a partition can move between replicas with its state. Methods take the
/// clock's `now` as a parameter: the store never reads a clock.
public struct PartitionStore: Sendable {
    public internal(set) var members = MemberTable()
    var timers = TimerHeap()
    /// This partition's share of coupon budgets and what it issued.
    public var budget: PartitionBudget
    /// How many members each zone key (the member's zone id, or "" for the programme's zone) has, so recurring plans
    /// keep cursors for the zones in use; a sweep finds a zone's members in `members` (no second copy of every id).
    var zoneCounts: [String: Int] = [:]
    /// The next fire instant of each recurring plan in each zone.
    var recurringCursors: [RecurringCursor.Key: RecurringCursor] = [:]
    /// Each zone's members in the order a sweep visits them, kept from one sweep to the next while no member comes,
    /// goes or changes zone (see `sweepOrder(inZone:)`); nil until a sweep needs it, and after such a change.
    var sweepOrders: SweepOrders?
    /// The latest clock reading the store was given.
    public internal(set) var clock: Instant?
    /// Members changed since the last checkpoint, with their state before the first change (see `+Changelog`).
    var uncheckpointed: [String: MemberState?] = [:]
    /// Budget, recurring cursors and clock as of the last checkpoint, for `rollback()` (see `+Changelog`).
    var checkpointed: PartitionCheckpoint?
    /// Members changed between the last checkpoint and a commit point still waiting to be confirmed, with their state
    /// at that checkpoint (see `markCommitPoint()`).
    var unconfirmed: [String: MemberState?] = [:]
    /// Budget, recurring cursors and clock at the commit point waiting to be confirmed.
    var commitPoint: PartitionCheckpoint?
    /// Members restored without a due time the current plans can trust; `completeRestore` computes theirs.
    var unscheduled: Set<String> = []

    public init(partition: Int = 0, partitionCount: Int = 1) {
        budget = PartitionBudget(partition: partition, partitionCount: partitionCount)
    }

    public var memberCount: Int { members.count }

    /// The earliest instant something may be due (possibly a stale timer entry, never later than the true one).
    public var nextDue: Instant? {
        let recurring = recurringCursors.values.lazy.map(\.fireAt).min()
        switch (timers.peek, recurring) {
        case (.some(let a), .some(let b)): return min(a, b)
        case (let a, let b): return a ?? b
        }
    }

    public func member(_ id: String) -> MemberState? { members[id] }

    /// Whether the same source and id were already seen among the member's last events.
    public func isDuplicate(_ event: ActivityEvent) -> Bool {
        members.slot(of: event.subject).map { isDuplicate(event, inSlot: $0) } ?? false
    }

    /// `isDuplicate` for the event's member, in slot `slot`.
    func isDuplicate(_ event: ActivityEvent, inSlot slot: UInt32) -> Bool {
        members.member(inSlot: slot)?.recentEvents.contains(event.dedupHash) ?? false
    }

    /// Applies one event at clock time `now`: first fires the member's timers due by `now`, then changes state,
    /// evaluates event-driven plans, then fires any occurrence the change made due exactly now.
    @discardableResult
    public mutating func apply(
        _ event: ActivityEvent, now: Instant, engine: Engine, into out: inout [OutputRecord]
    ) -> ApplyOutcome {
        advanceClock(to: now)
        if case .unknown = event.payload { return .ignoredUnknownType }
        let memberID = event.subject
        // Found once: every later step reaches the member by its slot, not by hashing its id again.
        let slot = members.slot(of: memberID)
        if let slot, isDuplicate(event, inSlot: slot) { return .duplicate }
        // Whatever was due before this event fires first, as if the event came a moment later (an erasure too, as in
        // `simulate`).
        if let slot, let due = members.nextDue(inSlot: slot), due <= now {
            processMember(inSlot: slot, now: now, engine: engine, traceparent: nil, into: &out)
        }
        if case .erased = event.payload {
            // Forget everything: state, duplicate memory, held jobs, pending timers (their heap entries go stale).
            noteChange(memberID)
            remove(memberID)
            return .erased
        }
        let before = slot.flatMap { members.member(inSlot: $0) }
        var member = before ?? MemberState(id: memberID, horizon: now)
        member.recentEvents.insert(event.dedupHash)
        let effectiveTime = engine.effectiveTime(of: event, now: now)
        member.apply(event, effectiveTime: effectiveTime, programme: engine.programme)
        // Occurrences that fire before now and only became known with this event are never fired late.
        if member.horizon < now { member.horizon = now }
        let zone = member.zone(programme: engine.programme)
        // Plans are reached by index: iterating the array would copy every plan struct for each event.
        for index in engine.eventPlanIndices(for: event.type) {
            guard
                let occurrence = engine.eventPlans[index].trigger.eventOccurrence(
                    event: event, firedAt: effectiveTime, before: before, after: member, zone: zone, tiers: engine.programme.tiers),
                !member.occurrences.contains(planID: engine.eventPlans[index].id, occurrence: occurrence.key)
            else { continue }
            Evaluator(engine: engine, now: now, zone: zone, traceparent: event.traceparent)
                .evaluate(plan: engine.eventPlans[index], occurrence: occurrence, member: &member, budget: &budget, into: &out)
        }
        if let slot { noteChange(memberID, inSlot: slot) } else { noteChange(memberID) }
        let zoneChanged = before == nil || before?.timeZoneID != member.timeZoneID
        if zoneChanged {
            reindex(memberID, from: before.map(Self.zoneKey), to: Self.zoneKey(member), engine: engine)
        }
        if let before, !zoneChanged, reschedule(&member, after: before, now: now, zone: zone, engine: engine) {
            members.replace(member, inSlot: slot!)
        } else {
            let stored = slot.map { members.replace(member, inSlot: $0); return $0 } ?? members.insert(member)
            processMember(inSlot: stored, now: now, engine: engine, traceparent: event.traceparent, into: &out)
        }
        return .applied
    }

    /// After an event, sets the member's next due time looking again only at the time plans whose inputs changed.
    ///
    /// An event moves the horizon forward and adds handled occurrences, which can only make a plan's next occurrence
    /// later, so the previous due time stays a safe (never later) bound for the others; when the bound is passed the
    /// member is visited in full. Per event this looks at one or two plans instead of every time plan. Returns false
    /// when something is due now: the caller then visits the member in full, which starts by dropping expired points,
    /// the only change made here by then.
    mutating func reschedule(
        _ member: inout MemberState, after before: MemberState, now: Instant, zone: Zone, engine: Engine
    ) -> Bool {
        var due = before.nextDue
        if let held = member.heldNotifications.first?.releaseAt {
            if held <= now { return false }
            due = min(due ?? held, held)
        }
        // Expired buckets have no occurrences left to schedule; the rest of `tidy` comes after, as in a full visit.
        member.points.dropExpired(at: now)
        for index in engine.timeSchedules.indices where engine.timeSchedules[index].trigger.scheduleDiffers(before, member) {
            guard let occurrence = Self.next(for: engine.timeSchedules[index], member: member, zone: zone) else { continue }
            if occurrence.fireAt <= now { return false }
            due = min(due ?? occurrence.fireAt, occurrence.fireAt)
        }
        tidy(&member, now: now, engine: engine)
        member.nextDue = due
        if let due, due != before.nextDue { queueTimer(due, for: member.id) }
        return true
    }

    /// Drops what no longer matters at `now`: expired points, pruned occurrences, sends outside every cap window.
    func tidy(_ member: inout MemberState, now: Instant, engine: Engine) {
        member.points.dropExpired(at: now)
        if member.horizon < now { member.horizon = now }
        member.occurrences.prune(before: member.horizon)
        // Changed only when something goes: the sends live in the member's rare box, and changing a rare field
        // builds a new box, which every visit of a member with any rare field (a recurring plan's last date) paid.
        let sent = member.notificationsSent
        if let longest = engine.programme.caps.map({ $0.within.approximateSeconds }).max() {
            // Keep a day more than the longest window, since calendar months and days can run longer than nominal.
            let cutoff = now.adding(seconds: -(longest + 86_400))
            if sent.contains(where: { $0.at < cutoff }) { member.notificationsSent.removeAll { $0.at < cutoff } }
        } else if !sent.isEmpty {
            member.notificationsSent.removeAll()
        }
    }

    /// Fires every timer, held job and recurring occurrence due at or before `now`, in due order.
    public mutating func fireDue(now: Instant, engine: Engine, into out: inout [OutputRecord]) {
        advanceClock(to: now)
        while let due = timers.peek, due <= now {
            guard let entry = timers.pop() else { break }
            guard members.nextDue(inSlot: entry.slot) == entry.due else { continue }  // stale entry
            processMember(inSlot: entry.slot, now: now, engine: engine, traceparent: nil, into: &out)
        }
        sweepRecurring(now: now, engine: engine, into: &out)
    }

    /// Recomputes every member's next due time and the recurring cursors, e.g. after plans changed.
    public mutating func rescheduleAll(engine: Engine) {
        rebuildTimers(recomputing: nil, engine: engine)
        resetRecurringCursors(engine: engine)
    }

    /// Rebuilds the timers from every member's `nextDue`, first computing it again for the members in `recomputing`
    /// (every member when nil).
    mutating func rebuildTimers(recomputing: Set<String>?, engine: Engine) {
        timers.removeAll()
        // No timer entry names a slot any more, so removed members' slots may be reused.
        members.reuseFreedSlots()
        // In id order, as ever, so timers due at the same instant fire in the same order on every replica.
        for (id, slot) in members.slotsSortedByID() {
            var due: Instant?
            members.modifyMember(inSlot: slot) { member in
                if recomputing?.contains(id) ?? true { member.nextDue = Self.nextDue(of: member, engine: engine) }
                due = member.nextDue
            }
            if let due { timers.push(due, slot: slot) }
        }
    }

    /// Drops the recurring cursors of plans no longer active (or changed) and adds those missing.
    mutating func resetRecurringCursors(engine: Engine) {
        let current = Dictionary(uniqueKeysWithValues: engine.recurringPlans.map { ($0.id, $0.trigger) })
        recurringCursors = recurringCursors.filter { current[$0.key.planID] == .recurring($0.value.trigger) }
        ensureCursors(engine: engine)
    }

    /// Puts a member back, e.g. restored from a changelog; `completeRestore` then schedules every member.
    ///
    /// `schedule` is the fingerprint the record's `nextDue` was stored under: when it is the engine's, the due time is
    /// kept as it is; otherwise (or when nil) `completeRestore` computes it again. Scheduling waits for the end of the
    /// restore: a changelog holds many versions of a member, and only the last one counts.
    public mutating func restore(_ member: MemberState, schedule: ScheduleFingerprint? = nil, engine: Engine) {
        if schedule == engine.scheduleFingerprint {
            if !unscheduled.isEmpty { unscheduled.remove(member.id) }
        } else {
            unscheduled.insert(member.id)
        }
        let previous = members.updateValue(member, forKey: member.id)
        let key = Self.zoneKey(member)
        if previous.map({ Self.zoneKey($0) != key }) ?? true {
            reindex(member.id, from: previous.map(Self.zoneKey), to: key, engine: engine)
        }
    }

    /// Forgets a member and its pending work.
    public mutating func remove(_ memberID: String) {
        if !unscheduled.isEmpty { unscheduled.remove(memberID) }
        guard let member = members.removeValue(forKey: memberID) else { return }
        uncount(zoneKey: Self.zoneKey(member))
    }

    mutating func advanceClock(to now: Instant) {
        if clock.map({ now > $0 }) ?? true { clock = now }
    }

    /// Releases held jobs and evaluates every time occurrence of the member due by `now`, then schedules the next.
    mutating func processMember(
        _ memberID: String, now: Instant, engine: Engine, traceparent: String?, into out: inout [OutputRecord]
    ) {
        guard let slot = members.slot(of: memberID) else { return }
        processMember(inSlot: slot, now: now, engine: engine, traceparent: traceparent, into: &out)
    }

    /// `processMember` for the member in slot `slot`: the member is taken out of the table while it is changed, so its
    /// box is changed in place rather than copied (once the rollback journal holds its state from before the commit).
    mutating func processMember(
        inSlot slot: UInt32, now: Instant, engine: Engine, traceparent: String?, into out: inout [OutputRecord]
    ) {
        guard let memberID = members.member(inSlot: slot)?.id else { return }
        // Journalled before the member leaves the table: the journal keeps the state from before the first change.
        noteChange(memberID, inSlot: slot)
        guard var member = members.takeMember(inSlot: slot) else { return }
        member.points.dropExpired(at: now)
        while let held = member.heldNotifications.first, held.releaseAt <= now {
            out.append(JobEncoder.released(held, memberID: memberID, createdAt: now))
            member.heldNotifications.removeFirst()
        }
        let zone = member.zone(programme: engine.programme)
        let count = engine.timeSchedules.count
        // The next occurrence of each time plan, computed once; only the plan that fired is looked at again. Kept on
        // the stack: arrays of them cost an allocation each and a destroy through the runtime's generic witnesses.
        let earliest = withUnsafeTemporaryAllocation(of: Occurrence?.self, capacity: count) { candidates in
            // Their fire times beside them: finding the earliest compared copies of whole occurrences.
            withUnsafeTemporaryAllocation(of: Instant.self, capacity: count) { fireTimes in
                for index in 0..<count {
                    let candidate = Self.next(for: engine.timeSchedules[index], member: member, zone: zone)
                    fireTimes.initializeElement(at: index, to: candidate?.fireAt ?? .max)
                    candidates.initializeElement(at: index, to: candidate)
                }
                defer { candidates.deinitialize() }
                /// The first plan with the earliest fire time, and that time (`.max` and nil when none has one).
                func first() -> (index: Int?, fireAt: Instant) {
                    var best: (index: Int?, fireAt: Instant) = (nil, .max)
                    for index in 0..<count where fireTimes[index] < best.fireAt { best = (index, fireTimes[index]) }
                    return best
                }
                while case (let index?, let fireAt) = first(), fireAt <= now, let occurrence = candidates[index] {
                    Evaluator(engine: engine, now: now, zone: zone, traceparent: traceparent)
                        .evaluate(plan: engine.timePlans[index], occurrence: occurrence, member: &member, budget: &budget, into: &out)
                    candidates[index] = Self.next(for: engine.timeSchedules[index], member: member, zone: zone)
                    fireTimes[index] = candidates[index]?.fireAt ?? .max
                }
                return first().fireAt
            }
        }
        // A held job whose quiet hours already ended (fired late) goes out now.
        while let held = member.heldNotifications.first, held.releaseAt <= now {
            out.append(JobEncoder.released(held, memberID: memberID, createdAt: now))
            member.heldNotifications.removeFirst()
        }
        tidy(&member, now: now, engine: engine)
        // Every candidate left fires after now, so moving the horizon up to now leaves them all valid.
        let previousDue = member.nextDue
        member.nextDue = earliest == .max ? nil : earliest
        if let held = member.heldNotifications.first?.releaseAt, member.nextDue.map({ held < $0 }) ?? true { member.nextDue = held }
        let due = member.nextDue
        members.putBack(member, inSlot: slot)
        if let due, due != previousDue { timers.push(due, slot: slot) }
    }

    /// The next not yet handled occurrence of a time plan (from the engine's `timeSchedules`) for `member`, at or after
    /// the member's horizon.
    static func next(for schedule: TimeSchedule, member: MemberState, zone: Zone) -> Occurrence? {
        // The closure captures the id alone: capturing the schedule copied it for every call.
        let planID = schedule.planID
        return schedule.trigger.nextOccurrence(
            for: member, zone: zone, notBefore: member.horizon,
            isHandled: { member.hasHandled(planID: planID, name: $0) })
    }

    /// Queues a timer entry for the member `id`, which must be in `members`.
    mutating func queueTimer(_ due: Instant, for id: String) {
        guard let slot = members.slot(of: id) else {
            assertionFailure("a timer for \(id), who is not in the store")
            return
        }
        timers.push(due, slot: slot)
    }

    static func nextDue(of member: MemberState, engine: Engine) -> Instant? {
        let zone = member.zone(programme: engine.programme)
        var earliest = member.heldNotifications.first?.releaseAt
        for index in engine.timeSchedules.indices {
            guard let occurrence = next(for: engine.timeSchedules[index], member: member, zone: zone) else { continue }
            if earliest.map({ occurrence.fireAt < $0 }) ?? true { earliest = occurrence.fireAt }
        }
        return earliest
    }

    static func zoneKey(_ member: MemberState) -> String { member.timeZoneID ?? "" }
}
