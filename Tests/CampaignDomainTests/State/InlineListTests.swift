@testable import CampaignDomain
import Testing

/// The two-inline-elements list behaves like an array through appends and removals, and copies stay independent.
@Suite struct InlineListTests {
    @Test func behavesLikeAnArray() {
        var random = SplitMix64(seed: 5)
        for _ in 0..<200 {
            var list = InlineList<Int>()
            var plain: [Int] = []
            for _ in 0..<20 {
                if random.below(3) == 0 {
                    let bound = random.below(10)
                    list.removeAll { $0 < bound }
                    plain.removeAll { $0 < bound }
                } else {
                    let value = random.below(10)
                    list.append(value)
                    plain.append(value)
                }
                #expect(Array(list) == plain)
                #expect(list.count == plain.count && list.isEmpty == plain.isEmpty)
                #expect(list == InlineList(plain))
                #expect(list.hashValue == InlineList(plain).hashValue)
            }
        }
    }

    @Test func theThirdElementSpillsAndCopiesAreIndependent() {
        var list = InlineList([1, 2])
        let copy = list
        list.append(3)
        list.append(4)
        #expect(Array(list) == [1, 2, 3, 4] && list[2] == 3 && list[3] == 4)
        #expect(Array(copy) == [1, 2])
        var other = list
        other.removeAll { $0 == 1 }
        #expect(Array(other) == [2, 3, 4] && other[0] == 2 && other[2] == 4)
        #expect(Array(list) == [1, 2, 3, 4])
        other.removeAll { _ in true }
        #expect(other == InlineList() && other.isEmpty)
    }
}
