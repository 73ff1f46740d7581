import CampaignWorker
import Foundation
import TestSupport
import Testing

@Suite struct WorkerMetricsDocsTests {
    @Test func everyMetricTheWorkerExportsIsDocumented() throws {
        let operations = try String(contentsOfFile: Repository.root + "/docs/OPERATIONS.md", encoding: .utf8)
        let families = try PrometheusScrape(WorkerMetrics().registry.render()).types.keys.sorted()
        #expect(families.count >= 18)
        for family in families {
            let short = family.replacingOccurrences(of: "campaign_worker_", with: "")
            #expect(operations.contains("| `\(short)` |"), "\(family) is not in the metrics table of docs/OPERATIONS.md")
        }
    }
}
