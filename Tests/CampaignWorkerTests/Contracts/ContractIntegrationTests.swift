import CampaignDomain
import CampaignWorker
import Kafka
import TestSupport
import Testing

/// A worker on the mock cluster writes jobs and decisions that match the published schemas and headers.
@Suite(.serialized, .timeLimit(.minutes(2))) struct ContractIntegrationTests {
    @Test func jobsAndDecisionsMatchTheirSchemasAndCarryTheContractHeaders() throws {
        var events = EventFactory()
        let plan = PlanFactory.birthday(audience: #"{"field":"tier","in":["gold","platinum","diamond"]}"#)
        let harness = try WorkerHarness(plans: [plan], start: Instant.at("2026-03-01T00:00:00Z"))
        try harness.produce([
            events.enrolled("m-1", at: "2026-03-01T08:00:00+08:00", birthday: "1990-03-12", timezone: "Asia/Shanghai"),
            events.enrolled("m-2", at: "2026-03-01T08:00:00+08:00", tier: "normal", birthday: "1990-03-12", timezone: "Asia/Shanghai"),
            events.enrolled("m-3", at: "2026-03-01T08:00:00+08:00", birthday: "1990-03-12", timezone: "Asia/Shanghai", consents: "{}"),
        ])
        try harness.waitForConsumed(3)
        harness.clock.set(Instant.at("2026-03-12T02:00:00Z"))
        try harness.waitForProduced(.decisions, atLeast: 3)

        // readObjects checks every record against schemas/ (ContractSchemas.checkOutput).
        let coupons = try harness.readObjects("coupon-jobs", atLeast: 2)
        let notifications = try harness.readObjects("notification-jobs", atLeast: 1)
        let decisions = try harness.readObjects("campaign-decisions", atLeast: 3)
        #expect(coupons.count == 2 && notifications.count == 1 && decisions.count == 3)
        let byMember = Dictionary(uniqueKeysWithValues: decisions.map { ($0.string("memberId")!, $0) })
        #expect(byMember["m-1"]?.string("outcome") == "fired")
        #expect(byMember["m-2"]?.string("reason") == "audience")
        #expect(byMember["m-3"]?.value("suppressedActions") == (try JSONParser.parse(#"[{"action":1,"reason":"no-consent"}]"#)))

        for topic in ["coupon-jobs", "notification-jobs", "campaign-decisions"] {
            for record in try harness.read(topic, atLeast: 1) {
                let value = try #require(try JSONParser.parse(record.value!).objectValue)
                let header = { (name: String) in record.headers.first { $0.key == name }?.value.map { String(decoding: $0, as: UTF8.self) } }
                #expect(header("content-type") == "application/json")
                #expect(header("plan-id") == "birthday-gold")
                #expect(header("job-id") == value.string("jobId"), "job-id on jobs only, equal to jobId")
                #expect(record.key == Array(value.string("memberId")!.utf8))
            }
        }
    }
}
