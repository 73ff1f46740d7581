/// The members of one input partition and their pending time triggers.
///
/// Each input partition has its own store, so a partition can move between replicas with its state. Methods take the
/// clock's `now` as a parameter: the store never reads a clock.
public struct PartitionStore: Sendable {
    public internal(set) var members: [String: MemberState] = [:]
    var timers = TimerHeap()
    /// Members changed since the last checkpoint, with their state before the first change (see `+Changelog`).
    var uncheckpointed: [String: MemberState?] = [:]

    public init() {}

    public var memberCount: Int { members.count }

    /// The earliest instant a timer may be due (possibly a stale entry, never later than the true next due time).
    public var nextDue: Instant? { timers.peek }

    public func member(_ id: String) -> MemberState? { members[id] }

    /// Whether the same source and id were already seen among the member's last events.
    public func isDuplicate(_ event: ActivityEvent) -> Bool {
        members[event.subject]?.recentEvents.contains(event.dedupHash) ?? false
    }

    /// Applies one event at clock time `now`: first fires the member's timers due by `now`, then changes state, then
    /// fires any occurrence the change made due exactly now.
    @discardableResult
    public mutating func apply(
        _ event: ActivityEvent, now: Instant, engine: Engine, into out: inout [OutputRecord]
    ) -> ApplyOutcome {
        if case .unknown = event.payload { return .ignoredUnknownType }
        if isDuplicate(event) { return .duplicate }
        let memberID = event.subject
        if case .erased = event.payload {
            // What fell due before the erasure still fires first, as it does for any other event (and in `simulate`).
            processMember(memberID, now: now, engine: engine, traceparent: nil, into: &out)
            // Forget everything: state, duplicate memory, pending timers (their heap entries go stale).
            noteChange(memberID)
            members[memberID] = nil
            return .erased
        }
        processMember(memberID, now: now, engine: engine, traceparent: nil, into: &out)
        var member = members[memberID] ?? MemberState(id: memberID, horizon: now)
        member.recentEvents.insert(event.dedupHash)
        member.apply(event, effectiveTime: engine.effectiveTime(of: event, now: now), programme: engine.programme)
        // Occurrences that fire before now and only became known with this event are never fired late.
        if member.horizon < now { member.horizon = now }
        noteChange(memberID)
        members[memberID] = member
        processMember(memberID, now: now, engine: engine, traceparent: event.traceparent, into: &out)
        return .applied
    }

    /// Fires every timer due at or before `now`, in due order.
    public mutating func fireDue(now: Instant, engine: Engine, into out: inout [OutputRecord]) {
        while let due = timers.peek, due <= now {
            guard let entry = timers.pop() else { break }
            guard members[entry.memberID]?.nextDue == entry.due else { continue }  // stale entry
            processMember(entry.memberID, now: now, engine: engine, traceparent: nil, into: &out)
        }
    }

    /// Recomputes every member's next due time, e.g. after plans changed.
    public mutating func rescheduleAll(engine: Engine) {
        timers.removeAll()
        for id in members.keys.sorted() {
            guard var member = members[id] else { continue }
            member.nextDue = Self.nextDue(of: member, engine: engine)
            if let due = member.nextDue { timers.push(due, id) }
            members[id] = member
        }
    }

    /// Evaluates every occurrence of the member due by `now`, then schedules the next one.
    mutating func processMember(
        _ memberID: String, now: Instant, engine: Engine, traceparent: String?, into out: inout [OutputRecord]
    ) {
        guard var member = members[memberID] else { return }
        member.points.dropExpired(at: now)
        let zone = member.zone(programme: engine.programme)
        while true {
            var earliest: (plan: Plan, occurrence: Occurrence)?
            for plan in engine.plans {
                guard
                    let occurrence = plan.trigger.nextOccurrence(
                        for: member, zone: zone, notBefore: member.horizon,
                        isHandled: { member.occurrences.contains(planID: plan.id, occurrence: $0) }),
                    occurrence.fireAt <= now
                else { continue }
                if let current = earliest, current.occurrence.fireAt <= occurrence.fireAt { continue }
                earliest = (plan, occurrence)
            }
            guard let (plan, occurrence) = earliest else { break }
            Evaluator(engine: engine, now: now, zone: zone, traceparent: traceparent)
                .evaluate(plan: plan, occurrence: occurrence, member: &member, into: &out)
        }
        if member.horizon < now { member.horizon = now }
        member.occurrences.prune(before: member.horizon)
        if let longest = engine.programme.caps.map({ $0.within.approximateSeconds }).max() {
            // Keep a day more than the longest window, since calendar months and days can run longer than nominal.
            let cutoff = now.adding(seconds: -(longest + 86_400))
            member.notificationsSent.removeAll { $0.at < cutoff }
        } else {
            member.notificationsSent.removeAll()
        }
        let previous = member.nextDue
        member.nextDue = Self.nextDue(of: member, engine: engine)
        if let due = member.nextDue, due != previous { timers.push(due, memberID) }
        noteChange(memberID)
        members[memberID] = member
    }

    static func nextDue(of member: MemberState, engine: Engine) -> Instant? {
        let zone = member.zone(programme: engine.programme)
        var earliest: Instant?
        for plan in engine.plans {
            guard
                let occurrence = plan.trigger.nextOccurrence(
                    for: member, zone: zone, notBefore: member.horizon,
                    isHandled: { member.occurrences.contains(planID: plan.id, occurrence: $0) })
            else { continue }
            if earliest.map({ occurrence.fireAt < $0 }) ?? true { earliest = occurrence.fireAt }
        }
        return earliest
    }
}
