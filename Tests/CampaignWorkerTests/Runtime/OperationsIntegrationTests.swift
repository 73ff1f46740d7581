import CampaignDomain
import CampaignWorker
import Kafka
import TestSupport
import Testing

/// The worker on the mock cluster with its operations endpoints served: the metrics move as the events dictate.
@Suite(.serialized, .timeLimit(.minutes(2))) struct OperationsIntegrationTests {
    static let plan = PlanFactory.birthday(audience: #"{"field":"tier","in":["gold","platinum","diamond"]}"#)

    /// A worker with its HTTP server on a free loopback port.
    final class Served {
        let harness: WorkerHarness
        let server: HTTPServer

        init(configure: (inout WorkerConfig) -> Void) throws {
            harness = try WorkerHarness(plans: [OperationsIntegrationTests.plan], start: Instant.at("2026-03-01T00:00:00Z"), partitions: 2) {
                // Statistics every 100 ms, so the lag gauges appear quickly.
                $0.kafka["statistics.interval.ms"] = "100"
                configure(&$0)
            }
            server = try HTTPServer(address: ListenAddress(host: "127.0.0.1", port: 0), logger: Logger(minimumLevel: .error),
                                    handler: OperationsEndpoints(worker: harness.worker).respond)
            server.start()
        }

        deinit { server.stop() }

        func scrape() throws -> PrometheusScrape {
            let response = try HTTPTestClient.request("GET", "/metrics", port: server.port)
            #expect(response.status == 200)
            #expect(response.headers["content-type"] == "text/plain; version=0.0.4; charset=utf-8")
            return try PrometheusScrape(response.body)
        }

        /// Scrapes until `condition` holds (metrics trail the worker by at most one step or one statistics interval).
        func scrape(until what: String, _ condition: (PrometheusScrape) -> Bool) throws -> PrometheusScrape {
            var last = try scrape()
            try harness.waitUntil(what, timeout: 20) {
                guard let current = try? scrape() else { return false }
                last = current
                return condition(current)
            }
            return last
        }
    }

    @Test func countersMoveAsTheEventsDictate() throws {
        var events = EventFactory()
        // Decisions off: the metrics still count fired and suppressed occurrences. at_least_once: the mock cluster keeps
        // no transactional offset commits, so only plain commits bring the consumer lag to zero here.
        let served = try Served {
            $0.maxRecordBytes = 1024
            $0.topics.decisions = nil
            $0.processingGuarantee = .atLeastOnce
        }
        let harness = served.harness
        let gold = events.enrolled("m-1", at: "2026-03-01T08:00:00+08:00", birthday: "1990-03-12", timezone: "Asia/Shanghai")
        let noConsent = events.enrolled(
            "m-3", at: "2026-03-01T08:00:00+08:00", birthday: "1990-03-12", timezone: "Asia/Shanghai",
            consents: #"{"sms":false,"wechat":false}"#)
        try harness.produce(
            [
                gold,
                events.enrolled("m-2", at: "2026-03-01T08:00:00+08:00", tier: "normal", birthday: "1990-03-12", timezone: "Asia/Shanghai"),
                noConsent,
                gold,  // the same id and source again: a duplicate
                events.event("cart.abandoned", "m-1", at: "2026-03-01T09:00:00+08:00"),
                "{not json",
                events.event("member.activity", "m-4", at: "2026-03-01T09:00:00+08:00", data: #"{"kind":"\#(String(repeating: "x", count: 2000))"}"#),
                events.event("member.activity", "m-1", at: "2026-03-01T09:00:00+08:00", data: #"{"kind":"login"}"#),
            ],
            keys: ["m-1", "m-2", "m-3", "m-1", "m-1", "m-1", "m-4", "m-1"])
        try harness.waitForConsumed(8)

        let consumed = "campaign_worker_events_consumed_total"
        var scrape = try served.scrape(until: "every member has a pending birthday timer") {
            $0.sum("campaign_worker_timers_pending") == 3
        }
        #expect(scrape.value(consumed, [("type", "member.enrolled"), ("outcome", "applied")]) == 3)
        #expect(scrape.value(consumed, [("type", "member.enrolled"), ("outcome", "duplicate")]) == 1)
        #expect(scrape.value(consumed, [("type", "other"), ("outcome", "ignored")]) == 1)
        #expect(scrape.value(consumed, [("type", "member.activity"), ("outcome", "applied")]) == 1)
        #expect(scrape.value(consumed, [("type", "invalid"), ("outcome", "dead-lettered")]) == 2)
        #expect(scrape.sum(consumed) == 8, "every record is counted once")
        #expect(scrape.value("campaign_worker_dead_letters_total", [("reason", "invalid-json")]) == 1)
        #expect(scrape.value("campaign_worker_dead_letters_total", [("reason", "too-large")]) == 1)
        #expect(scrape.sum("campaign_worker_members") == 3)
        #expect(scrape.sum("campaign_worker_jobs_emitted_total") == 0)
        #expect(scrape.value("campaign_worker_plans") == 1)
        #expect(scrape.value("campaign_worker_plan_reloads_total") == 0)
        #expect(scrape.value("campaign_worker_plan_rejections_total") == 0)
        #expect(scrape.value("campaign_worker_assigned_partitions") == 2)
        #expect(scrape.value("campaign_worker_transactions_total", [("outcome", "committed")]) == 0)
        #expect(scrape.value("campaign_worker_transactions_total", [("outcome", "aborted")]) == 0)
        #expect(scrape.sum("campaign_worker_held_notification_jobs") == 0)

        // The birthday comes: m-1 gets both jobs, m-3 only the coupon (no consented channel), m-2 is outside the audience.
        harness.clock.set(Instant.at("2026-03-12T02:00:00Z"))
        try harness.waitForProduced(.couponJobs, atLeast: 2)
        try harness.waitForProduced(.notificationJobs, atLeast: 1)
        scrape = try served.scrape(until: "the lag of every partition is known and zero after commits") { scrape in
            (0..<2).allSatisfy { scrape.value("campaign_worker_consumer_lag", [("topic", "member-activity"), ("partition", String($0))]) == 0 }
                && scrape.sum("campaign_worker_decisions_total") == 3
        }
        let jobs = "campaign_worker_jobs_emitted_total"
        #expect(scrape.value(jobs, [("plan", "birthday-gold"), ("topic", "coupon-jobs"), ("channel", "none")]) == 2)
        #expect(scrape.value(jobs, [("plan", "birthday-gold"), ("topic", "notification-jobs"), ("channel", "wechat")]) == 1)
        #expect(scrape.sum(jobs) == 3)
        #expect(scrape.value("campaign_worker_decisions_total", [("plan", "birthday-gold"), ("outcome", "fired")]) == 2)
        #expect(scrape.value("campaign_worker_decisions_total", [("plan", "birthday-gold"), ("outcome", "suppressed")]) == 1)
        let suppressions = "campaign_worker_suppressions_total"
        #expect(scrape.value(suppressions, [("plan", "birthday-gold"), ("reason", "audience"), ("scope", "occurrence")]) == 1)
        #expect(scrape.value(suppressions, [("plan", "birthday-gold"), ("reason", "no-consent"), ("scope", "action")]) == 1)
        #expect(scrape.value("campaign_worker_timers_fired_total", [("plan", "birthday-gold"), ("trigger", "birthday")]) == 3)
        // Fired at 01:00Z, created at 02:00Z by the worker's clock: an hour each, in the 3600 s bucket.
        let latency = "campaign_worker_event_to_job_seconds"
        #expect(scrape.value(latency + "_count", [("trigger", "birthday")]) == 3)
        #expect(scrape.value(latency + "_sum", [("trigger", "birthday")]) == 10_800.0)
        #expect(scrape.value(latency + "_bucket", [("trigger", "birthday"), ("le", "900")]) == 0)
        #expect(scrape.value(latency + "_bucket", [("trigger", "birthday"), ("le", "3600")]) == 3)
        #expect(scrape.value("campaign_worker_records_produced_total", [("topic", "coupon-jobs")]) == 2)
        #expect(scrape.value("campaign_worker_records_produced_total", [("topic", "member-activity.dlq")]) == 2)
        #expect(scrape.value("campaign_worker_offset_commits_total") ?? 0 >= 1)
        #expect(scrape.types[latency] == "histogram" && scrape.types[jobs] == "counter" && scrape.types["campaign_worker_members"] == "gauge")
        // Decisions were counted but, with topics.decisions null, never produced.
        #expect(harness.worker.statistics.snapshot.produced[.decisions] == nil)
    }

    @Test func healthAndReadinessEndpoints() throws {
        let served = try Served { _ in }
        let port = served.server.port
        // The harness returns once the worker owns partitions: joined, nothing to restore.
        #expect(try HTTPTestClient.request("GET", "/readyz", port: port).status == 200)
        #expect(try HTTPTestClient.request("GET", "/healthz", port: port).body == "ok\n")
        served.harness.worker.health.setRestoring([TopicPartition(topic: "member-activity", partition: 1)])
        let restoring = try HTTPTestClient.request("GET", "/readyz", port: port)
        #expect(restoring.status == 503)
        #expect(restoring.body == "not ready: restoring state of 1 partition(s): member-activity-1\n")
        served.harness.worker.health.setRestoring([])
        #expect(try HTTPTestClient.request("GET", "/readyz", port: port).status == 200)
        #expect(try HTTPTestClient.request("GET", "/nope", port: port).status == 404)
        #expect(try HTTPTestClient.request("DELETE", "/metrics", port: port).status == 405)
    }
}
