@testable import CampaignDomain
import TestSupport
import Testing

/// The per-zone member counts that keep recurring cursors stay equal to what the members say, through zone changes,
/// erasure, rollback and restore.
@Suite struct PartitionStoreZoneCountTests {
    var events = EventFactory()
    let engine = Engine(programme: Programme(), plans: [])

    mutating func apply(_ store: inout PartitionStore, _ line: String, now: String) {
        let event = try! EventDecoder().decode(key: nil, value: Array(line.utf8)).get()
        var out: [OutputRecord] = []
        store.apply(event, now: Instant.at(now), engine: engine, into: &out)
    }

    func countsFromMembers(_ store: PartitionStore) -> [String: Int] {
        var counts: [String: Int] = [:]
        for member in store.members.values { counts[PartitionStore.zoneKey(member), default: 0] += 1 }
        return counts
    }

    @Test mutating func countsFollowZoneChangesErasureRollbackAndRestore() {
        var store = PartitionStore()
        let now = "2026-03-01T01:00:00Z"
        apply(&store, events.enrolled("m-1", at: now, timezone: "Asia/Shanghai"), now: now)
        apply(&store, events.enrolled("m-2", at: now), now: now)
        apply(&store, events.enrolled("m-3", at: now, timezone: "Europe/London"), now: now)
        #expect(store.zoneCounts == ["Asia/Shanghai": 1, "": 1, "Europe/London": 1])
        store.checkpoint()

        apply(&store, events.event("member.updated", "m-1", at: now, data: #"{"timezone":"Europe/London"}"#), now: now)
        apply(&store, events.event("member.activity", "m-1", at: now), now: now)
        apply(&store, events.event("member.erased", "m-2", at: now), now: now)
        apply(&store, events.enrolled("m-4", at: now, timezone: "Asia/Shanghai"), now: now)
        #expect(store.zoneCounts == countsFromMembers(store))
        #expect(store.zoneCounts == ["Europe/London": 2, "Asia/Shanghai": 1])

        store.rollback()
        #expect(store.zoneCounts == countsFromMembers(store))
        #expect(store.zoneCounts == ["Asia/Shanghai": 1, "": 1, "Europe/London": 1])

        // Restoring a member already present (a changelog with several records for it) counts it once.
        var restored = PartitionStore()
        for member in store.members.values.sorted(by: { $0.id < $1.id }) {
            restored.restore(member, engine: engine)
            restored.restore(member, engine: engine)
        }
        var moved = store.member("m-1")!
        moved.timeZoneID = "America/New_York"
        restored.restore(moved, engine: engine)
        restored.remove("m-3")
        restored.remove("m-3")
        #expect(restored.zoneCounts == countsFromMembers(restored))
        #expect(restored.zoneCounts == ["America/New_York": 1, "": 1])
        #expect(restored.memberIDs(inZone: "") == ["m-2"])
        #expect(restored.memberIDs(inZone: "America/New_York") == ["m-1"])
        #expect(restored.memberIDs(inZone: "Europe/London").isEmpty)
        #expect(restored.memberIDs(inZone: "Not/AZone").isEmpty)
    }
}
