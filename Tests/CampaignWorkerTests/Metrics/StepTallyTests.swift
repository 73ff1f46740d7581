import Testing

@testable import CampaignWorker

@Suite struct StepTallyTests {
    @Test func keysAddUpInTheOrderFirstSeenWhateverTheOrderTheyComeIn() {
        var tally = StepTally<String, Int>()
        for key in ["a", "a", "b", "a", "c", "b", "b"] { tally.update(key, default: 0) { $0 += 1 } }
        #expect(tally.entries.map(\.key) == ["a", "b", "c"])
        #expect(tally.entries.map(\.value) == [3, 3, 1])
    }

    @Test func aNewKeyStartsFromItsDefault() {
        var tally = StepTally<String, [Double]>()
        tally.update("birthday", default: [0.5]) { $0.append(1) }
        tally.update("dormancy", default: []) { $0.append(2) }
        tally.update("birthday", default: [9]) { $0.append(3) }
        #expect(tally.entries.map(\.value) == [[0.5, 1, 3], [2]])
    }
}
