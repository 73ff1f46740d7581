import CampaignDomain
import CampaignWorker
import Foundation
import Testing

@Suite struct PlanLoaderTests {
    func directory(_ files: [String: String]) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("plans-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        for (name, text) in files { try text.write(toFile: path + "/" + name, atomically: true, encoding: .utf8) }
        return path
    }

    @Test func loadsTheExamplePlans() {
        let result = PlanLoader.load(path: WorkerConfigTests.repositoryRoot + "/examples/plans")
        #expect(result.errors.isEmpty)
        #expect(result.plans.map(\.id) == ["birthday-gold", "points-expiring", "win-back"])
    }

    @Test func reportsEachBadFileAndDuplicateIDs() throws {
        let plan = #"{"id":"p","trigger":{"type":"birthday"},"actions":[{"type":"notify","channels":["sms"],"template":"t"}]}"#
        let path = try directory([
            "a.json": plan,
            "b.json": "[" + plan + "]",
            "c.json": #"{"id":"q","trigger":{"type":"birthday","at":"9am"},"actions":[]}"#,
            "notes.txt": "ignored",
        ])
        let result = PlanLoader.load(path: path)
        #expect(result.plans.map(\.id) == ["p"])
        #expect(result.files.count == 3)
        #expect(result.errors.contains { $0.source.hasSuffix("b.json") && $0.reason.contains("already defined") })
        #expect(result.errors.contains { $0.source.hasSuffix("c.json") && $0.path == "$.trigger.at" })
        #expect(result.errors.contains { $0.source.hasSuffix("c.json") && $0.path == "$.actions" })
        #expect(PlanLoader.load(path: path + "/missing").errors.first?.reason == "no such file or directory")
    }
}
