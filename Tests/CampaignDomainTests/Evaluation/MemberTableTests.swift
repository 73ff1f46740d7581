@testable import CampaignDomain
import Testing

/// The member table answers like a dictionary through any mix of inserts, updates and removals, keeps a member's slot
/// while it stays, and reuses a removed member's slot only when told it may.
@Suite struct MemberTableTests {
    func member(_ id: String, _ orders: Int = 0) -> MemberState {
        var member = MemberState(id: id, horizon: Instant(epochMillis: 0))
        member.orderCount = orders
        return member
    }

    @Test func behavesLikeADictionary() {
        var random = SplitMix64(seed: 9)
        var table = MemberTable()
        var plain: [String: MemberState] = [:]
        for step in 0..<20_000 {
            let id = "m-\(random.below(600))"
            switch random.below(5) {
            case 0, 1:
                #expect(table.updateValue(member(id, step), forKey: id) == plain.updateValue(member(id, step), forKey: id))
            case 2:
                #expect(table.removeValue(forKey: id) == plain.removeValue(forKey: id))
            case 3:
                table[id] = nil
                plain[id] = nil
            default:
                if random.below(50) == 0 { table.reuseFreedSlots() }
            }
            #expect(table[id] == plain[id])
            #expect(table.count == plain.count)
            if step % 1_000 == 0 {
                #expect(Set(table.keys) == Set(plain.keys))
                for (key, value) in plain { #expect(table[key] == value) }
                #expect(Set(table.values.map(\.id)) == Set(plain.keys))
            }
        }
        for id in plain.keys { #expect(table.removeValue(forKey: id) != nil) }
        #expect(table.isEmpty && table == MemberTable())
    }

    @Test func aMembersSlotStaysAndFreedSlotsWaitToBeReused() {
        var table = MemberTable()
        for index in 0..<100 { table["m-\(index)"] = member("m-\(index)") }
        let slot = table.slot(of: "m-7")!
        table["m-7"] = member("m-7", 3)
        #expect(table.slot(of: "m-7") == slot && table.member(inSlot: slot)?.orderCount == 3)
        table["m-7"] = nil
        #expect(table.member(inSlot: slot) == nil && table.slot(of: "m-7") == nil)
        table["m-new"] = member("m-new")
        #expect(table.slot(of: "m-new") != slot)
        table.reuseFreedSlots()
        table["m-newer"] = member("m-newer")
        #expect(table.slot(of: "m-newer") == slot && table.member(inSlot: slot)?.id == "m-newer")
        for index in 0..<100 where index != 7 { #expect(table["m-\(index)"]?.id == "m-\(index)") }
    }

    @Test func slotsSortByIdAndAMemberChangesInPlace() {
        var table = MemberTable()
        for id in ["m-3", "m-10", "m-1", "a"] { table[id] = member(id) }
        table["m-10"] = nil
        let sorted = table.slotsSortedByID()
        #expect(sorted.map(\.id) == ["a", "m-1", "m-3"])
        #expect(sorted.allSatisfy { table.slot(of: $0.id) == $0.slot })
        let slot = table.slot(of: "m-3")!
        let box = ObjectIdentifier(table["m-3"]!.storage)
        table.modifyMember(inSlot: slot) { $0.orderCount = 5 }
        #expect(table["m-3"]?.orderCount == 5)
        // Nothing else held the member, so its box was changed rather than copied.
        #expect(ObjectIdentifier(table["m-3"]!.storage) == box)
    }

    @Test func equalTablesAreEqualWhateverTheOrderOfTheirSlots() {
        var a = MemberTable()
        var b = MemberTable()
        for index in 0..<50 { a["m-\(index)"] = member("m-\(index)") }
        for index in (0..<50).reversed() { b["m-\(index)"] = member("m-\(index)") }
        #expect(a == b)
        b["m-3"] = member("m-3", 1)
        #expect(a != b)
        b["m-3"] = nil
        #expect(a != b)
    }

    @Test func aMemberIsStoredUnderItsOwnIdOnly() async {
        await #expect(processExitsWith: .failure) {
            var table = MemberTable()
            table.updateValue(MemberState(id: "m-1", horizon: Instant(epochMillis: 0)), forKey: "m-2")
        }
    }
}
