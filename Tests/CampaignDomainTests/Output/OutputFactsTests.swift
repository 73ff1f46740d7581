@testable import CampaignDomain
import TestSupport
import Testing

/// Metrics count jobs and decisions from the facts the encoder attaches; they must say what the encoded value says.
@Suite struct OutputFactsTests {
    @Test func factsAgreeWithTheEncodedJobsAndDecisions() throws {
        let engine = Engine(programme: Programme(), plans: PartitionStoreSchedulingTests.plans, decisionsEnabled: true)
        let records = PartitionStoreSchedulingTests.run(PartitionStoreSchedulingTests.history(members: 30, events: 600, seed: 9), engine: engine)
        var checked: [OutputRole: Int] = [:]
        for record in records where record.role != .deadLetters {
            let facts = try #require(record.facts)
            let bytes = try #require(record.value)
            let value = try #require(try JSONParser.parse(bytes).objectValue)
            let trigger = try #require(value["trigger"]?.objectValue)
            #expect(facts.triggerType == trigger["type"]?.stringValue)
            #expect(facts.firedAt.rfc3339 == trigger["firedAt"]?.stringValue)
            #expect(facts.createdAt.rfc3339 == value["createdAt"]?.stringValue)
            #expect(record.planID == value["plan"]?.objectValue?["id"]?.stringValue)
            switch record.role {
            case .couponJobs:
                #expect(facts.channel == nil)
            case .notificationJobs:
                #expect(facts.channel == value["notification"]?.objectValue?["channel"]?.stringValue)
            case .decisions:
                #expect(facts.outcome == value["outcome"]?.stringValue)
                #expect(facts.reason == value["reason"]?.stringValue)
                let actions = value["suppressedActions"]?.arrayValue?.compactMap { $0.objectValue?["reason"]?.stringValue } ?? []
                #expect(facts.actionReasons == actions)
            case .deadLetters:
                break
            }
            checked[record.role, default: 0] += 1
        }
        #expect(checked[.couponJobs, default: 0] > 10)
        #expect(checked[.notificationJobs, default: 0] > 10)
        #expect(checked[.decisions, default: 0] > 10)
    }
}
