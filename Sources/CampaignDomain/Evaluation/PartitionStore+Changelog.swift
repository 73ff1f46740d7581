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

/// Change tracking for the member-state changelog, and restoring a store from it.
///
/// Every change goes through `apply` or `fireDue`, which note the member's state before its first change since the
/// last `checkpoint()`. The runtime writes `pendingChanges()` to the changelog with the outputs they caused, then
/// either checkpoints (the write committed) or rolls back (it was aborted, so state returns to what the changelog
/// and the committed input offsets say).
extension PartitionStore {
    /// Remembers `memberID`'s current state unless it already changed since the last checkpoint.
    mutating func noteChange(_ memberID: String) {
        guard uncheckpointed.index(forKey: memberID) == nil else { return }
        uncheckpointed.updateValue(members[memberID], forKey: memberID)
    }

    /// Whether any member was touched since the last checkpoint.
    public var hasPendingChanges: Bool { !uncheckpointed.isEmpty }

    /// Members whose state differs from the last checkpoint, sorted by id.
    public func pendingChanges() -> [MemberChange] {
        uncheckpointed.keys.sorted().compactMap { id in
            let current = members[id]
            guard current != uncheckpointed[id] ?? nil else { return nil }
            return MemberChange(memberID: id, state: current)
        }
    }

    /// Accepts every change so far: they are committed and can no longer be rolled back.
    public mutating func checkpoint() {
        uncheckpointed.removeAll()
    }

    /// Puts every member changed since the last checkpoint back as it was then, with their timers.
    public mutating func rollback() {
        for (id, original) in uncheckpointed {
            members[id] = original
            if let due = original?.nextDue { timers.push(due, id) }
        }
        uncheckpointed.removeAll()
    }

    /// Puts a member read from the changelog in place, without counting it as a change.
    ///
    /// Call `rescheduleAll(engine:)` once the restore is complete to rebuild the timers.
    public mutating func restore(_ member: MemberState) {
        members[member.id] = member
    }

    /// Removes a member on a changelog tombstone, without counting it as a change.
    public mutating func restoreErasure(of memberID: String) {
        members[memberID] = nil
    }
}
