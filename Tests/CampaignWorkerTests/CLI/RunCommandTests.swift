import CampaignDomain
import CampaignWorker
import Foundation
import Glibc
import Kafka
import TestSupport
import Testing

/// `campaign-worker run` as a child process against a mock cluster in this process: HTTP endpoints and SIGTERM.
@Suite(.serialized, .timeLimit(.minutes(2))) struct RunCommandTests {

    /// A port that was free a moment ago (the child binds it).
    static func freePort() throws -> Int {
        let probe = try HTTPServer(address: ListenAddress(host: "127.0.0.1", port: 0), logger: Logger(minimumLevel: .error)) { _ in
            HTTPResponse(status: 200, body: "")
        }
        return probe.port
    }

    @Test func servesTheEndpointsAndStopsCleanlyOnSIGTERM() throws {
        let cluster = try MockKafkaCluster(brokers: 1, logHandler: { _, _, _ in })
        cluster.setGroupInitialRebalanceDelay(.milliseconds(50))
        // The mock cluster has no CreateTopics API, so the worker's changelog is made here too.
        for topic in ["member-activity", "coupon-jobs", "notification-jobs", "campaign-decisions", "member-activity.dlq", "cli-run-member-state-changelog"] {
            try cluster.createTopic(topic, partitions: 2)
        }
        let port = try Self.freePort()
        let directory = try TemporaryDirectory()
        let configPath = try directory.write(
            "worker.json",
            #"{"groupId":"cli-run","topics":{"plans":null},"http":{"listen":"127.0.0.1:\#(port)"},"plans":{"path":"\#(Repository.root)/examples/plans"}}"#)

        let worker = try CLIProcess(
            ["run", "--config", configPath],
            environment: [
                "CAMPAIGN_WORKER_BOOTSTRAP_SERVERS": cluster.bootstrapServers,
                "CAMPAIGN_WORKER_KAFKA_STATISTICS_INTERVAL_MS": "100",
            ])
        var ready = false
        let deadline = Date().addingTimeInterval(30)
        while !ready, Date() < deadline {
            ready = (try? HTTPTestClient.request("GET", "/readyz", port: port).status) == 200
            if !ready { Thread.sleep(forTimeInterval: 0.05) }
        }
        try #require(ready, "never ready; stderr: \(worker.standardErrorSoFar)")
        #expect(try HTTPTestClient.request("GET", "/healthz", port: port).status == 200)

        var events = EventFactory()
        let producer = try KafkaProducer(properties: ["bootstrap.servers": cluster.bootstrapServers], logHandler: { _, _, _ in })
        try producer.send(ProducerRecord(topic: "member-activity", key: Array("m-1".utf8), value: Array(events.enrolled("m-1", at: "2026-03-01T08:00:00+08:00").utf8)))
        try producer.flush(timeout: .seconds(10))
        var consumed = 0.0
        while consumed < 1, Date() < deadline {
            let scrape = try PrometheusScrape(HTTPTestClient.request("GET", "/metrics", port: port).body)
            consumed = scrape.value("campaign_worker_events_consumed_total", [("type", "member.enrolled"), ("outcome", "applied")]) ?? 0
            if consumed < 1 { Thread.sleep(forTimeInterval: 0.05) }
        }
        #expect(consumed == 1)

        worker.signal(SIGTERM)
        let result = try worker.wait()
        #expect(result.status == 0, "stderr: \(result.standardError)")
        #expect(result.standardError.contains(#""event":"http.listening""#))
        #expect(result.standardError.contains(#""event":"worker.stopped""#))
        #expect(throws: HTTPTestClient.Failure.self, "the server is gone with the process") { try HTTPTestClient.connect(port: port) }
    }
}
