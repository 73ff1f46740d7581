import CampaignDomain
import CampaignWorker
import Testing

@Suite struct PlanCatalogTests {
    static func plan(_ id: String, version: Int, at: String = "09:00") -> String {
        #"{"id":"\#(id)","version":\#(version),"trigger":{"type":"birthday","at":"\#(at)"},"actions":[{"type":"notify","channels":["sms"],"template":"t"}]}"#
    }

    var catalog = PlanCatalog(knownTiers: nil)

    var versions: [String] { catalog.plans.map { "\($0.id)@\($0.version)" } }

    @Test mutating func anInvalidNewVersionKeepsThePreviousOneRunning() {
        #expect(catalog.updateFile("a.json", bytes: Array("[\(Self.plan("p", version: 1)),\(Self.plan("q", version: 1))]".utf8)).changed)
        let update = catalog.updateFile("a.json", bytes: Array("[\(Self.plan("p", version: 2, at: "25:00")),\(Self.plan("q", version: 2))]".utf8))
        #expect(update.changed)
        #expect(update.rejected.map(\.path) == ["$[0].trigger.at"])
        #expect(update.rejected.first?.source == "a.json")
        #expect(versions == ["p@1", "q@2"])
        // Unreadable JSON keeps everything the file had.
        let broken = catalog.updateFile("a.json", bytes: Array("[{".utf8))
        #expect(!broken.changed && broken.rejected.count == 1)
        #expect(versions == ["p@1", "q@2"])
    }

    @Test mutating func removedPlansAndFilesStopRunning() {
        _ = catalog.updateFile("a.json", bytes: Array("[\(Self.plan("p", version: 1)),\(Self.plan("q", version: 1))]".utf8))
        _ = catalog.updateFile("b.json", bytes: Array(Self.plan("r", version: 1).utf8))
        _ = catalog.updateFile("a.json", bytes: Array(Self.plan("q", version: 1).utf8))
        #expect(versions == ["q@1", "r@1"])
        #expect(catalog.updateFile("b.json", bytes: nil).changed)
        #expect(versions == ["q@1"])
    }

    @Test mutating func aPlanIDBelongsToOneFile() {
        _ = catalog.updateFile("a.json", bytes: Array(Self.plan("p", version: 1).utf8))
        let update = catalog.updateFile("b.json", bytes: Array(Self.plan("p", version: 9).utf8))
        #expect(update.rejected.first?.reason.contains("already defined in a.json") == true)
        #expect(versions == ["p@1"])
    }

    @Test mutating func topicRecordsOverrideFilesAndTombstonesDelete() {
        _ = catalog.updateFile("a.json", bytes: Array(Self.plan("p", version: 1).utf8))
        #expect(catalog.updateTopic(planID: "p", value: Array(Self.plan("p", version: 5).utf8), source: "topic t partition 0 offset 0").changed)
        #expect(versions == ["p@5"])
        let mismatch = catalog.updateTopic(planID: "x", value: Array(Self.plan("p", version: 6).utf8), source: "topic t partition 0 offset 1")
        #expect(mismatch.rejected.first?.path == "$.id")
        #expect(catalog.updateTopic(planID: "p", value: nil, source: "topic t partition 0 offset 2").changed)
        #expect(versions == ["p@1"])
    }
}
