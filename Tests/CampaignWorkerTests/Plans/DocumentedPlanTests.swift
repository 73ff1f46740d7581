import CampaignDomain
import CampaignWorker
import Foundation
import Testing

/// Every plan shown in the docs is loaded here, so the docs cannot drift from what the worker accepts.
@Suite struct DocumentedPlanTests {
    /// The ```json blocks of a Markdown file that hold a plan (an object with a `trigger`).
    static func planBlocks(_ file: String) throws -> [(line: Int, text: String)] {
        let text = try String(contentsOfFile: WorkerConfigTests.repositoryRoot + "/" + file, encoding: .utf8)
        var blocks: [(line: Int, text: String)] = []
        var current: [String]?
        var start = 0
        for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            if current == nil, line.hasPrefix("```json") {
                current = []
                start = index + 1
            } else if current != nil, line.hasPrefix("```") {
                let block = current!.joined(separator: "\n")
                if (try? JSONParser.parse(block))?.objectValue?["trigger"] != nil { blocks.append((start, block)) }
                current = nil
            } else {
                current?.append(String(line))
            }
        }
        return blocks
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
