/// A member whose state changed since the last checkpoint: what the changelog must record for them.
public struct MemberChange: Sendable, Hashable {
    public var memberID: String
    /// The member's state now; nil when the member was erased (a changelog tombstone).
    public var state: MemberState?

    public init(memberID: String, state: MemberState?) {
        self.memberID = memberID
        self.state = state
    }
}

/// Change tracking for the member-state changelog, and rolling back to the last commit.
///
/// Every change goes through `apply` or `fireDue`, which note the member's state before its first change since the
/// last `checkpoint()`. A store is restored from the changelog with `restore(_:schedule:engine:)` and `remove(_:)`. The runtime writes `pendingChanges()` to the changelog with the outputs they caused, then
/// either checkpoints (the write committed) or rolls back (it was aborted, so state returns to what the changelog
/// and the committed input offsets say). `at_least_once` may instead mark a commit point and go on, confirming it
/// once the write was delivered: a rollback meanwhile returns to the checkpoint before it.
extension PartitionStore {
    /// Remembers `memberID`'s current state unless it already changed since the last checkpoint.
    mutating func noteChange(_ memberID: String) {
        guard uncheckpointed.index(forKey: memberID) == nil else { return }
        uncheckpointed.updateValue(members[memberID], forKey: memberID)
    }

    /// `noteChange` for the member in slot `slot`, hashing its id once.
    mutating func noteChange(_ memberID: String, inSlot slot: UInt32) {
        let current = members.member(inSlot: slot)
        // Through the defaulting subscript's modify accessor: the current state is stored only when the id is new.
        Self.keepFirst(&uncheckpointed[memberID, default: current])
    }

    private static func keepFirst(_ state: inout MemberState?) {}

    /// Whether any member was touched since the last checkpoint.
    public var hasPendingChanges: Bool { !uncheckpointed.isEmpty }

    /// How many members were touched since the last checkpoint (an upper bound on `pendingChanges().count`).
    public var touchedCount: Int { uncheckpointed.count }

    /// Members whose state differs from the last checkpoint, sorted by id.
    public func pendingChanges() -> [MemberChange] {
        uncheckpointed.keys.sorted().compactMap { id in
            let current = members[id]
            guard current != uncheckpointed[id] ?? nil else { return nil }
            return MemberChange(memberID: id, state: current)
        }
    }

    /// Ends a restore from the changelog: takes the clock's `now`, rebuilds every timer and recurring cursor from the
    /// restored members (recurring occurrences up to `maxLateness` back fire on recovery, once per member), and
    /// checkpoints, so nothing restored counts as a change.
    ///
    /// Due times stored under the engine's schedule fingerprint are kept; the others are computed again. Returns how
    /// many members' due times were computed again (all of them after a plan change, none after a plain restart).
    @discardableResult
    public mutating func completeRestore(now: Instant, engine: Engine) -> Int {
        advanceClock(to: now)
        let recomputing = unscheduled
        unscheduled = []
        rebuildTimers(recomputing: recomputing, engine: engine)
        resetRecurringCursors(engine: engine)
        checkpoint()
        return recomputing.count
    }

    /// Accepts every change so far: they are committed and can no longer be rolled back.
    ///
    /// Also call it once a restore is complete, so a later `rollback()` has a starting point. A commit point waiting
    /// for confirmation is accepted with the rest.
    public mutating func checkpoint() {
        uncheckpointed.removeAll()
        unconfirmed.removeAll()
        commitPoint = nil
        checkpointed = PartitionCheckpoint(budget: budget, recurringCursors: recurringCursors, clock: clock)
    }

    /// Whether a commit point is waiting for `confirmCommitPoint()`.
    public var awaitsConfirmation: Bool { commitPoint != nil }

    /// Ends a stage without accepting it yet: the changes so far were written out (their outputs and changelog
    /// records sent), but whether they were delivered is not known.
    ///
    /// `pendingChanges()` starts again from here, so the next changelog write holds only later changes, while
    /// `rollback()` still returns to the last checkpoint until `confirmCommitPoint()`. This lets `at_least_once`
    /// go on processing while the commit's records are delivered. Call it only when no commit point is waiting.
    public mutating func markCommitPoint() {
        precondition(commitPoint == nil, "a commit point is already waiting for confirmation")
        unconfirmed = uncheckpointed
        uncheckpointed.removeAll()
        commitPoint = PartitionCheckpoint(budget: budget, recurringCursors: recurringCursors, clock: clock)
    }

    /// Accepts the changes up to the waiting commit point (its records were delivered): a later `rollback()`
    /// returns there, no further back. Does nothing when no commit point is waiting.
    public mutating func confirmCommitPoint() {
        guard let commitPoint else { return }
        unconfirmed.removeAll()
        checkpointed = commitPoint
        self.commitPoint = nil
    }

    /// Puts every member changed since the last checkpoint back as it was then, with their timers and zone index,
    /// and the partition's coupon budget, recurring cursors and clock too; a waiting commit point is dropped.
    public mutating func rollback() {
        // A member changed on both sides of the commit point goes back to its state before the first change.
        for (id, original) in unconfirmed { putBack(id, original) }
        for (id, original) in uncheckpointed where unconfirmed.index(forKey: id) == nil { putBack(id, original) }
        uncheckpointed.removeAll()
        unconfirmed.removeAll()
        commitPoint = nil
        if let checkpointed {
            budget = checkpointed.budget
            recurringCursors = checkpointed.recurringCursors
            clock = checkpointed.clock
        }
    }

    private mutating func putBack(_ id: String, _ original: MemberState?) {
        sweepOrders = nil
        if let current = members[id] { uncount(zoneKey: Self.zoneKey(current)) }
        members[id] = original
        if let original {
            zoneCounts[Self.zoneKey(original), default: 0] += 1
            if let due = original.nextDue { queueTimer(due, for: id) }
        }
    }
}

/// The partition-level state a rollback returns to: everything in a store that is not a member.
struct PartitionCheckpoint: Sendable {
    var budget: PartitionBudget
    var recurringCursors: [RecurringCursor.Key: RecurringCursor]
    var clock: Instant?
}
