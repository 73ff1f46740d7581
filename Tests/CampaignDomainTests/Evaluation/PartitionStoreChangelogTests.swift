import CampaignDomain
import TestSupport
import Testing

/// Change tracking, rollback and restore of partition stores: what the changelog and exactly-once rely on.
@Suite struct PartitionStoreChangelogTests {
    let engine = Engine(
        programme: Programme(),
        plans: [PlanFactory.birthday(trigger: #"{"type":"birthday","at":"09:00"}"#)])
    var events = EventFactory()

    mutating func apply(
        _ store: inout PartitionStore, _ line: String, now: String, engine: Engine? = nil, into out: inout [OutputRecord]
    ) {
        let event = try! EventDecoder().decode(key: nil, value: Array(line.utf8)).get()
        store.apply(event, now: Instant.at(now), engine: engine ?? self.engine, into: &out)
    }

    /// The birthday plan with a partition coupon budget of `totalCoupons`.
    static func budgetedEngine(totalCoupons: Int) -> Engine {
        Engine(
            programme: Programme(),
            plans: [PlanFactory.birthday(trigger: #"{"type":"birthday","at":"09:00"}"#, extra: #","limits":{"totalCoupons":\#(totalCoupons)}"#)])
    }

    /// m-1 enrolled on 2026-03-01 with a birthday the next day, checkpointed.
    mutating func checkpointedStoreWithABirthdayTomorrow(into out: inout [OutputRecord]) -> PartitionStore {
        var store = PartitionStore()
        apply(&store, events.enrolled("m-1", at: "2026-03-01T08:00:00+08:00", birthday: "1990-03-02"), now: "2026-03-01T00:00:00Z", into: &out)
        store.checkpoint()
        return store
    }

    @Test mutating func appliedEventsAndFiredTimersArePendingUntilCheckpoint() {
        var store = PartitionStore()
        var out: [OutputRecord] = []
        #expect(!store.hasPendingChanges)
        apply(&store, events.enrolled("m-1", at: "2026-03-01T08:00:00+08:00", birthday: "1990-03-02"), now: "2026-03-01T00:00:00Z", into: &out)
        apply(&store, events.enrolled("m-2", at: "2026-03-01T08:00:00+08:00"), now: "2026-03-01T00:00:00Z", into: &out)
        #expect(store.pendingChanges().map(\.memberID) == ["m-1", "m-2"])
        #expect(store.pendingChanges().first?.state == store.member("m-1"))
        store.checkpoint()
        #expect(store.pendingChanges().isEmpty)
        // The birthday timer fires for m-1 only; that is a change to m-1 (its occurrence log and horizon).
        store.fireDue(now: Instant.at("2026-03-02T01:00:00Z"), engine: engine, into: &out)
        #expect(out.contains { $0.role == .couponJobs })
        #expect(store.pendingChanges().map(\.memberID) == ["m-1"])
    }

    @Test mutating func erasureIsAPendingTombstone() {
        var store = PartitionStore()
        var out: [OutputRecord] = []
        apply(&store, events.enrolled("m-1", at: "2026-03-01T08:00:00+08:00"), now: "2026-03-01T00:00:00Z", into: &out)
        store.checkpoint()
        apply(&store, events.event("member.erased", "m-1", at: "2026-03-01T09:00:00+08:00"), now: "2026-03-01T01:00:00Z", into: &out)
        #expect(store.pendingChanges() == [MemberChange(memberID: "m-1", state: nil)])
    }

    @Test mutating func anErasureAppliedLateStillFiresWhatWasDueBeforeIt() {
        // A worker catching up (after a restart or a rebalance) applies the erasure after the birthday's fire time:
        // the birthday fell due first, so it fires first, as `simulate` does.
        var store = PartitionStore()
        var out: [OutputRecord] = []
        apply(&store, events.enrolled("m-1", at: "2026-03-01T08:00:00+08:00", birthday: "1990-03-02"), now: "2026-03-01T00:00:00Z", into: &out)
        store.checkpoint()
        apply(&store, events.event("member.erased", "m-1", at: "2026-03-02T09:30:00+08:00"), now: "2026-03-02T03:00:00Z", into: &out)
        #expect(out.filter { $0.role == .couponJobs }.count == 1)
        #expect(store.member("m-1") == nil)
        #expect(store.pendingChanges() == [MemberChange(memberID: "m-1", state: nil)])
    }

    @Test mutating func aMemberCreatedAndErasedBetweenCheckpointsNeedsNoRecord() {
        var store = PartitionStore()
        var out: [OutputRecord] = []
        apply(&store, events.enrolled("m-1", at: "2026-03-01T08:00:00+08:00"), now: "2026-03-01T00:00:00Z", into: &out)
        apply(&store, events.event("member.erased", "m-1", at: "2026-03-01T09:00:00+08:00"), now: "2026-03-01T01:00:00Z", into: &out)
        #expect(store.pendingChanges().isEmpty)
    }

    @Test mutating func rollbackRestoresStateAndTimersAsOfTheCheckpoint() {
        var out: [OutputRecord] = []
        var store = checkpointedStoreWithABirthdayTomorrow(into: &out)
        let before = store.member("m-1")
        // The birthday fires, a new member arrives and m-1's tier changes; then the transaction is aborted.
        store.fireDue(now: Instant.at("2026-03-02T01:00:00Z"), engine: engine, into: &out)
        apply(&store, events.enrolled("m-2", at: "2026-03-02T10:00:00+08:00"), now: "2026-03-02T02:00:00Z", into: &out)
        apply(&store, events.event("tier.changed", "m-1", at: "2026-03-02T10:00:00+08:00", data: #"{"from":"gold","to":"silver"}"#), now: "2026-03-02T02:00:00Z", into: &out)
        store.rollback()
        #expect(store.member("m-1") == before)
        #expect(store.member("m-2") == nil)
        #expect(!store.hasPendingChanges)
        // Re-processing fires the birthday again: the rolled-back timer is back in place.
        out.removeAll()
        store.fireDue(now: Instant.at("2026-03-02T01:00:00Z"), engine: engine, into: &out)
        #expect(out.filter { $0.role == .couponJobs }.count == 1)
    }

    /// A recurring sweep changes each member in place: the changes are pending, a rollback undoes them (the
    /// statements are evaluated again when redone), and a notification held for quiet hours is released by the
    /// member's timer.
    @Test mutating func aRecurringSweepsChangesArePendingRolledBackAndItsHeldJobsReleased() {
        let statement = PlanFactory.plan(
            #"{"id":"statement","trigger":{"type":"recurring","every":"month","on":1,"at":"22:00"},"#
                + #""schedule":{"quietHours":{"from":"21:00","to":"09:00"}},"#
                + #""actions":[{"type":"notify","channels":["sms"],"template":"t"}]}"#)
        let engine = Engine(programme: Programme(), plans: [statement])
        var store = PartitionStore()
        var out: [OutputRecord] = []
        for id in ["m-1", "m-2"] {
            apply(&store, events.enrolled(id, at: "2026-03-20T08:00:00+08:00"), now: "2026-03-20T00:00:00Z", engine: engine, into: &out)
        }
        store.checkpoint()
        let before = [store.member("m-1"), store.member("m-2")]
        out.removeAll()
        // 22:00 in Shanghai on April 1: inside quiet hours, so each notification is held.
        store.fireDue(now: Instant.at("2026-04-01T14:00:00Z"), engine: engine, into: &out)
        #expect(out.map(\.role) == [.decisions, .decisions])
        #expect(store.pendingChanges().map(\.memberID) == ["m-1", "m-2"])
        #expect(store.member("m-1")?.heldNotifications.count == 1)

        store.rollback()
        #expect([store.member("m-1"), store.member("m-2")] == before)
        out.removeAll()
        store.fireDue(now: Instant.at("2026-04-01T14:00:00Z"), engine: engine, into: &out)
        #expect(out.map(\.role) == [.decisions, .decisions], "the sweep runs again when redone")

        // 09:00 the next morning, the end of quiet hours: each member's timer releases its job.
        out.removeAll()
        store.fireDue(now: Instant.at("2026-04-02T01:00:00Z"), engine: engine, into: &out)
        #expect(out.map(\.role) == [.notificationJobs, .notificationJobs])
        #expect(out.compactMap { $0.header("plan-id") } == ["statement", "statement"])
        #expect(store.member("m-2")?.heldNotifications.isEmpty == true)
    }

    /// at_least_once marks a commit point and goes on while its records are delivered: the next changelog write
    /// starts there, a rollback still goes back to the checkpoint before it.
    @Test mutating func aCommitPointStartsTheNextChangelogWriteButNotTheRollback() {
        var out: [OutputRecord] = []
        var store = checkpointedStoreWithABirthdayTomorrow(into: &out)
        let before = store.member("m-1")
        store.fireDue(now: Instant.at("2026-03-02T01:00:00Z"), engine: engine, into: &out)
        #expect(store.pendingChanges().map(\.memberID) == ["m-1"])
        store.markCommitPoint()
        #expect(store.awaitsConfirmation)
        #expect(store.pendingChanges().isEmpty, "the birthday's change went out with the commit point")
        apply(&store, events.enrolled("m-2", at: "2026-03-02T10:00:00+08:00"), now: "2026-03-02T02:00:00Z", into: &out)
        apply(&store, events.event("tier.changed", "m-1", at: "2026-03-02T10:00:00+08:00", data: #"{"from":"gold","to":"silver"}"#), now: "2026-03-02T02:00:00Z", into: &out)
        #expect(store.pendingChanges().map(\.memberID) == ["m-1", "m-2"])
        #expect(store.pendingChanges().first?.state == store.member("m-1"))

        // The commit point's records were not delivered: back to the checkpoint, across the commit point.
        store.rollback()
        #expect(store.member("m-1") == before)
        #expect(store.member("m-2") == nil)
        #expect(!store.hasPendingChanges && !store.awaitsConfirmation)
        out.removeAll()
        store.fireDue(now: Instant.at("2026-03-02T01:00:00Z"), engine: engine, into: &out)
        #expect(out.filter { $0.role == .couponJobs }.count == 1, "the birthday fires again when redone")
    }

    @Test mutating func confirmingMakesTheCommitPointWhereARollbackReturns() {
        let engine = Self.budgetedEngine(totalCoupons: 5)
        var store = PartitionStore(partition: 0, partitionCount: 1)
        var out: [OutputRecord] = []
        for line in [
            events.enrolled("m-1", at: "2026-03-01T08:00:00+08:00", birthday: "1990-03-02"),
            events.enrolled("m-2", at: "2026-03-01T08:00:00+08:00", birthday: "1990-03-03"),
        ] {
            apply(&store, line, now: "2026-03-01T00:00:00Z", engine: engine, into: &out)
        }
        store.checkpoint()
        store.fireDue(now: Instant.at("2026-03-02T01:00:00Z"), engine: engine, into: &out)
        store.markCommitPoint()
        let fired = store.member("m-1")
        // m-2's birthday fires after the commit point, and m-1 changes again.
        store.fireDue(now: Instant.at("2026-03-03T01:00:00Z"), engine: engine, into: &out)
        #expect(store.budget.issued["birthday-gold"] == 2)
        store.confirmCommitPoint()
        #expect(!store.awaitsConfirmation)
        #expect(store.pendingChanges().map(\.memberID) == ["m-2"], "confirming leaves the later changes pending")
        store.rollback()
        #expect(store.member("m-1") == fired)
        #expect(store.budget.issued["birthday-gold"] == 1, "the budget goes back to the commit point, not before it")
        out.removeAll()
        store.fireDue(now: Instant.at("2026-03-03T01:00:00Z"), engine: engine, into: &out)
        #expect(out.filter { $0.role == .couponJobs }.map { $0.key.map { String(decoding: $0, as: UTF8.self) } } == ["m-2"], "only what came after the commit point is redone")
    }

    @Test mutating func aCheckpointAcceptsAWaitingCommitPoint() {
        var store = PartitionStore()
        var out: [OutputRecord] = []
        apply(&store, events.enrolled("m-1", at: "2026-03-01T08:00:00+08:00"), now: "2026-03-01T00:00:00Z", into: &out)
        store.markCommitPoint()
        apply(&store, events.enrolled("m-2", at: "2026-03-01T08:00:00+08:00"), now: "2026-03-01T00:00:00Z", into: &out)
        store.checkpoint()
        #expect(!store.awaitsConfirmation && !store.hasPendingChanges)
        store.rollback()
        #expect(store.memberCount == 2, "nothing to roll back after a checkpoint")
    }

    @Test mutating func rollbackAlsoReturnsTheCouponBudgetToTheCheckpoint() {
        let engine = Self.budgetedEngine(totalCoupons: 1)
        var store = PartitionStore(partition: 0, partitionCount: 1)
        var out: [OutputRecord] = []
        apply(&store, events.enrolled("m-1", at: "2026-03-01T08:00:00+08:00", birthday: "1990-03-02"), now: "2026-03-01T00:00:00Z", engine: engine, into: &out)
        store.checkpoint()
        store.fireDue(now: Instant.at("2026-03-02T01:00:00Z"), engine: engine, into: &out)
        #expect(out.filter { $0.role == .couponJobs }.count == 1)
        #expect(store.budget.issued["birthday-gold"] == 1)
        store.rollback()
        #expect(store.budget.issued["birthday-gold"] == nil)
        // Redone, the coupon is issued again: the aborted one never counted.
        out.removeAll()
        store.fireDue(now: Instant.at("2026-03-02T01:00:00Z"), engine: engine, into: &out)
        #expect(out.filter { $0.role == .couponJobs }.count == 1)
    }

    /// With the fingerprint, the restore keeps the due times stored; without, it computes them: the same either way.
    @Test(arguments: [false, true])
    mutating func restoredStoreFiresWhatTheOriginalWould(storingSchedule: Bool) throws {
        var original = PartitionStore()
        var out: [OutputRecord] = []
        apply(&original, events.enrolled("m-1", at: "2026-03-01T08:00:00+08:00", birthday: "1990-03-02"), now: "2026-03-01T00:00:00Z", into: &out)
        apply(&original, events.enrolled("m-2", at: "2026-03-01T08:00:00+08:00", birthday: "1990-03-05"), now: "2026-03-01T00:00:00Z", into: &out)
        // What the changelog holds after two commits: both members, then m-2's tombstone.
        var changelog: [MemberChange] = original.pendingChanges()
        original.checkpoint()
        apply(&original, events.event("member.erased", "m-2", at: "2026-03-01T09:00:00+08:00"), now: "2026-03-01T01:00:00Z", into: &out)
        changelog += original.pendingChanges()
        original.checkpoint()
        #expect(changelog.map(\.memberID) == ["m-1", "m-2", "m-2"])
        #expect(changelog.last?.state == nil)

        var restored = PartitionStore()
        var decoder = MemberStateCodec.Decoder()
        for change in changelog {
            let value = change.state.map { MemberStateCodec.encode($0, schedule: storingSchedule ? engine.scheduleFingerprint : nil) }
            if let value {
                let decoded = try decoder.decode(value)
                #expect(decoded.schedule == (storingSchedule ? engine.scheduleFingerprint : nil))
                restored.restore(decoded.member, schedule: decoded.schedule, engine: engine)
            } else {
                restored.remove(change.memberID)
            }
        }
        restored.completeRestore(now: Instant.at("2026-03-01T01:00:00Z"), engine: engine)
        #expect(restored.members == original.members)
        #expect(!restored.hasPendingChanges)
        #expect(restored.nextDue == Instant.at("2026-03-02T01:00:00Z"))

        var firedOriginal: [OutputRecord] = []
        var firedRestored: [OutputRecord] = []
        original.fireDue(now: Instant.at("2026-03-02T01:00:00Z"), engine: engine, into: &firedOriginal)
        restored.fireDue(now: Instant.at("2026-03-02T01:00:00Z"), engine: engine, into: &firedRestored)
        #expect(firedRestored == firedOriginal)
        #expect(firedRestored.filter { $0.role == .couponJobs }.count == 1)
    }
}
