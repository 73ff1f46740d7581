import Testing

@testable import CampaignDrills

/// When a drill passes: every expected job committed, and committed once unless the guarantee allows repeats.
@Suite struct DrillResultTests {
    @Test func aRepeatedJobFailsAnExactlyOnceDrillButNotAnAtLeastOnceOne() {
        var result = DrillResult(name: "kill")
        result.expected = 3
        result.committed = 4
        #expect(result.passed)
        result.duplicated = 1
        #expect(!result.passed)
        result.repeatsAllowed = true
        #expect(result.passed)
        result.lost = 1
        #expect(!result.passed, "a lost job fails either way")
    }
}
