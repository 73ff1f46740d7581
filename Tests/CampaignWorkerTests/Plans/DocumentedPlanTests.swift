import CampaignDomain
import CampaignWorker
import Foundation
import Testing

/// Every plan shown in the docs is loaded here, so the docs cannot drift from what the worker accepts.
@Suite struct DocumentedPlanTests {
    static func planBlocks(_ file: String) throws -> [(line: Int, text: String)] {
        let text = try String(contentsOfFile: WorkerConfigTests.repositoryRoot + "/" + file, encoding: .utf8)
        return DocumentedPlans.blocks(markdown: text).map { ($0.line, $0.text) }
    }

    static let parser = PlanParser(knownTiers: Programme().tiers)

    @Test(arguments: ["docs/COOKBOOK.md", "docs/PLANS.md", "README.md"])
    func everyDocumentedPlanIsValid(_ file: String) throws {
        let blocks = try Self.planBlocks(file)
        #expect(!blocks.isEmpty)
        for block in blocks {
            let (plans, errors) = Self.parser.parse(Array(block.text.utf8), source: "\(file):\(block.line)")
            #expect(errors.isEmpty, "\(file) line \(block.line): \(errors)")
            #expect(plans.count == 1)
        }
    }

    @Test func theCookbookHasElevenDistinctPlansCoveringTheCatalogue() throws {
        let plans = try Self.planBlocks("docs/COOKBOOK.md").compactMap { Self.parser.parse(Array($0.text.utf8), source: "cookbook").plans.first }
        #expect(plans.count == 11)
        #expect(Set(plans.map(\.id)).count == 11)
        let types = Set(plans.map(\.trigger.typeName))
        #expect(types == ["birthday", "dormancy", "pointsExpiring", "enrolled", "firstPurchase", "tierChanged", "spendThreshold", "anniversary", "event", "recurring"])
        #expect(plans.contains { $0.holdoutBasisPoints > 0 })
    }

    @Test func thePlanReferenceShowsEveryTriggerType() throws {
        let plans = try Self.planBlocks("docs/PLANS.md").compactMap { Self.parser.parse(Array($0.text.utf8), source: "reference").plans.first }
        #expect(Set(plans.map(\.trigger.typeName)) == Set(Trigger.contractTypes))
    }
}
