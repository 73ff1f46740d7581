@testable import CampaignDomain
import TestSupport
import Testing

/// The fingerprint a restore compares before trusting a stored due time: it must change with anything a due time is
/// computed from, and only with that.
@Suite struct ScheduleFingerprintTests {
    static func plan(_ id: String, _ trigger: String, template: String = "T", extra: String = "") -> Plan {
        PlanFactory.plan(
            #"{"id":"\#(id)","trigger":\#(trigger),"actions":[{"type":"notify","channels":["sms"],"template":"\#(template)"}]\#(extra)}"#)
    }

    static let birthday = #"{"type":"birthday","offsetDays":-3,"at":"09:00"}"#
    static let dormancy = #"{"type":"dormancy","inactiveDays":[30,60],"at":"10:00"}"#
    static let expiring = #"{"type":"pointsExpiring","withinDays":[30,7],"minPoints":100,"at":"09:00"}"#
    static let anniversary = #"{"type":"anniversary","years":[1,3],"at":"10:00"}"#
    static let welcome = #"{"type":"enrolled","delay":"P1D"}"#

    static func plans(
        birthday: String = birthday, dormancy: String = dormancy, expiring: String = expiring,
        anniversary: String = anniversary, welcome: String = welcome
    ) -> [Plan] {
        [
            plan("birthday", birthday), plan("win-back", dormancy), plan("expiring", expiring),
            plan("anniversary", anniversary), plan("welcome", welcome),
            plan("big-order", #"{"type":"event","eventType":"order.completed"}"#),
        ]
    }

    static func fingerprint(_ plans: [Plan], zone: String = "Asia/Shanghai") -> ScheduleFingerprint {
        Engine(programme: Programme(timeZone: Zone(identifier: zone)!), plans: plans).scheduleFingerprint
    }

    @Test func sameForTheSamePlansInAnyOrder() {
        #expect(Self.fingerprint(Self.plans()) == Self.fingerprint(Self.plans().reversed()))
    }

    /// Each changes one thing a time trigger's next occurrence depends on.
    @Test(arguments: [
        plans(birthday: #"{"type":"birthday","offsetDays":-2,"at":"09:00"}"#),
        plans(birthday: #"{"type":"birthday","offsetDays":-3,"at":"09:30"}"#),
        plans(birthday: #"{"type":"birthday","offsetDays":-3,"at":"09:00","leapDay":"mar1"}"#),
        plans(dormancy: #"{"type":"dormancy","inactiveDays":[30,90],"at":"10:00"}"#),
        plans(dormancy: #"{"type":"dormancy","inactiveDays":[30],"at":"10:00"}"#),
        plans(expiring: #"{"type":"pointsExpiring","withinDays":[30,7],"minPoints":101,"at":"09:00"}"#),
        plans(expiring: #"{"type":"pointsExpiring","withinDays":[14,7],"minPoints":100,"at":"09:00"}"#),
        plans(anniversary: #"{"type":"anniversary","at":"10:00"}"#),
        plans(anniversary: #"{"type":"anniversary","years":[1],"at":"10:00"}"#),
        plans(welcome: #"{"type":"enrolled","delay":"PT24H"}"#),
        plans(welcome: #"{"type":"enrolled","delay":"P1M"}"#),
        // A time plan removed, or the same trigger under another plan id (its handled occurrences are not the same).
        Array(plans().dropFirst()),
        plans().map { $0.id == "welcome" ? plan("welcome-2", welcome) : $0 },
        // A time plan becoming an event plan.
        plans(welcome: #"{"type":"event","eventType":"member.enrolled"}"#),
    ])
    func changesWithWhatDueTimesAreComputedFrom(_ changed: [Plan]) {
        #expect(Self.fingerprint(changed) != Self.fingerprint(Self.plans()))
    }

    @Test func changesWithTheProgrammeZone() {
        #expect(Self.fingerprint(Self.plans(), zone: "Europe/Paris") != Self.fingerprint(Self.plans()))
    }

    /// Actions, audiences, limits and event plans do not move a due time: a plan edit of those keeps restores fast.
    @Test func ignoresWhatDueTimesAreNotComputedFrom() {
        var edited = Self.plans()
        edited[0] = Self.plan("birthday", Self.birthday, template: "OTHER", extra: #","audience":{"field":"tier","in":["gold"]}"#)
        edited[5] = Self.plan("big-order", #"{"type":"event","eventType":"order.refunded"}"#)
        edited.append(Self.plan("tier-up", #"{"type":"tierChanged","direction":"up"}"#))
        #expect(Self.fingerprint(edited) == Self.fingerprint(Self.plans()))
    }

    /// Due times these plans give a fixed member. When a change to a trigger moves one, due times stored by earlier
    /// versions may be wrong: bump `ScheduleFingerprint.revision`, then update the values here.
    ///
    /// The member is in New York, enrolled 2025-01-04 local, born 29 February, with 1,200 points expiring at the end
    /// of 2026: the first anniversary (10:00 EST), the 30-day reminder before that expiry (09:00 EST), and the third
    /// anniversary, which comes before the 2028 birthday reminder (26 February).
    @Test func revisionMatchesTheScheduleItWasPinnedWith() throws {
        let engine = Engine(programme: Programme(), plans: Self.plans())
        var member = MemberStateFactory.fullyPopulated()
        var pinned: [Instant?] = []
        for horizon in ["2026-01-01T00:00:00Z", "2026-06-15T00:00:00Z", "2027-02-27T00:00:00Z"] {
            member.horizon = Instant.at(horizon)
            member.heldNotifications = []
            pinned.append(PartitionStore.nextDue(of: member, engine: engine))
        }
        #expect(ScheduleFingerprint.revision == 1)
        #expect(
            pinned.map { $0?.rfc3339 } == ["2026-01-04T15:00:00Z", "2026-12-01T14:00:00Z", "2028-01-04T15:00:00Z"],
            "due times moved: bump ScheduleFingerprint.revision, then pin the new values")
    }

    /// A restore keeps a due time stored under its own fingerprint, and computes it again under any other.
    @Test func restoreTrustsAStoredDueTimeOnlyUnderTheSameFingerprint() throws {
        let engine = Engine(programme: Programme(), plans: Self.plans())
        let edited = Engine(programme: Programme(), plans: Self.plans(birthday: #"{"type":"birthday","offsetDays":-3,"at":"11:00"}"#))
        var member = MemberStateFactory.fullyPopulated()
        member.heldNotifications = []
        let computed = try #require(PartitionStore.nextDue(of: member, engine: engine))
        // A stored due time earlier than the computed one, as an event's rescheduling can leave (a safe bound).
        member.nextDue = computed.adding(seconds: -3600)
        let bytes = MemberStateCodec.encode(member, schedule: engine.scheduleFingerprint)

        func restored(by engine: Engine, from bytes: [UInt8]) throws -> (due: Instant?, rescheduled: Int) {
            var store = PartitionStore()
            var decoder = MemberStateCodec.Decoder()
            let decoded = try decoder.decode(bytes)
            store.restore(decoded.member, schedule: decoded.schedule, engine: engine)
            let rescheduled = store.completeRestore(now: Instant.at("2026-01-01T00:00:00Z"), engine: engine)
            #expect(store.nextDue == store.member(member.id)?.nextDue)
            return (store.member(member.id)?.nextDue, rescheduled)
        }
        #expect(try restored(by: engine, from: bytes) == (member.nextDue, 0))
        #expect(try restored(by: edited, from: bytes) == (PartitionStore.nextDue(of: member, engine: edited), 1))
        #expect(try restored(by: engine, from: MemberStateCodec.encode(member)) == (computed, 1))
    }
}
