import CampaignDomain
import CampaignWorker
import Kafka
import TestSupport
import Testing

/// Black-box runs of the worker against librdkafka's mock cluster: CloudEvents in, jobs and dead letters out.
@Suite(.serialized, .timeLimit(.minutes(2))) struct WorkerIntegrationTests {
    static let plans = [
        PlanFactory.birthday(trigger: #"{"type":"birthday","at":"09:00"}"#),
        PlanFactory.plan(#"{"id":"win-back","trigger":{"type":"dormancy","inactiveDays":[30],"at":"09:00"},"actions":[{"type":"coupon","template":"COMEBACK-20","validDays":14}]}"#),
        PlanFactory.plan(#"{"id":"points-expiring","trigger":{"type":"pointsExpiring","withinDays":[7],"minPoints":100,"at":"09:00"},"actions":[{"type":"notify","channels":["push","sms"],"template":"points-expiring"}]}"#),
    ]

    @Test func emitsExactlyTheDueJobsAsTheClockMoves() throws {
        var events = EventFactory()
        let harness = try WorkerHarness(plans: Self.plans, start: Instant.at("2026-03-01T00:00:00Z"))
        try harness.produce([
            events.enrolled("m-1", at: "2026-03-01T08:00:00+08:00", birthday: "1990-03-12", timezone: "Asia/Shanghai"),
            events.enrolled("m-2", at: "2026-02-28T19:00:00-05:00", birthday: "1985-03-20", timezone: "America/New_York", consents: #"{"sms":true}"#),
            events.event("points.earned", "m-2", at: "2026-02-28T19:00:00-05:00", data: #"{"amount":500,"expiresAt":"2026-03-25T00:00:00Z"}"#),
        ])
        try harness.waitForConsumed(3)
        // Each step moves the clock an hour past the next fire time, as a running worker would see it.
        let steps: [(clock: String, coupons: Int, notifications: Int)] = [
            ("2026-03-12T02:00:00Z", 1, 1),  // m-1 birthday 09:00 Shanghai
            ("2026-03-17T14:00:00Z", 1, 2),  // m-2 points: 7 New York days before 2026-03-24 20:00 EDT, at 09:00 EDT
            ("2026-03-20T14:00:00Z", 2, 2),  // m-2 birthday 09:00 EDT (m-2 has no wechat consent, sms is second)
            ("2026-03-31T02:00:00Z", 3, 2),  // m-1 dormant 30 days, next 09:00 Shanghai
            ("2026-03-31T14:00:00Z", 4, 2),  // m-2 dormant 30 days, next 09:00 New York
        ]
        for step in steps {
            harness.clock.set(Instant.at(step.clock))
            try harness.waitForProduced(.couponJobs, atLeast: step.coupons)
            try harness.waitForProduced(.notificationJobs, atLeast: step.notifications)
        }
        try harness.waitUntil("commits", timeout: 10) { harness.worker.statistics.snapshot.commits > 0 }

        let coupons = try harness.readObjects("coupon-jobs", atLeast: 4)
        let notifications = try harness.readObjects("notification-jobs", atLeast: 3)
        let expected: [(plan: String, member: String, occurrence: String, action: Int, firedAt: String, schema: String)] = [
            ("birthday-gold", "m-1", "2026", 0, "2026-03-12T01:00:00Z", "coupon-job/1"),
            ("birthday-gold", "m-1", "2026", 1, "2026-03-12T01:00:00Z", "notification-job/1"),
            ("points-expiring", "m-2", "2026-03-25T00:00:00Z/7d", 0, "2026-03-17T13:00:00Z", "notification-job/1"),
            ("birthday-gold", "m-2", "2026", 0, "2026-03-20T13:00:00Z", "coupon-job/1"),
            ("birthday-gold", "m-2", "2026", 1, "2026-03-20T13:00:00Z", "notification-job/1"),
            ("win-back", "m-1", "2026-03-01T00:00:00Z/30d", 0, "2026-03-31T01:00:00Z", "coupon-job/1"),
            ("win-back", "m-2", "2026-03-01T00:00:00Z/30d", 0, "2026-03-31T13:00:00Z", "coupon-job/1"),
        ]
        let produced = Dictionary(uniqueKeysWithValues: (coupons + notifications).map { ($0.string("jobId")!, $0) })
        #expect(produced.count == coupons.count + notifications.count, "duplicate job ids")
        #expect(Set(produced.keys) == Set(expected.map { JobID.make(planID: $0.plan, memberID: $0.member, occurrence: $0.occurrence, actionIndex: $0.action) }))
        for job in expected {
            let id = JobID.make(planID: job.plan, memberID: job.member, occurrence: job.occurrence, actionIndex: job.action)
            let object = try #require(produced[id], "missing \(job)")
            #expect(object.string("schema") == job.schema)
            #expect(object.string("memberId") == job.member)
            #expect(object.string("plan.id") == job.plan)
            #expect(object.string("trigger.occurrence") == job.occurrence)
            #expect(object.string("trigger.firedAt") == job.firedAt)
        }
        #expect(produced.values.filter { $0.string("memberId") == "m-2" && $0.string("schema") == "notification-job/1" }.allSatisfy { $0.string("notification.channel") == "sms" })
        #expect(produced.values.first { $0.string("plan.id") == "points-expiring" }?.string("notification.params.pointsExpiring") == "500")
        // Jobs are keyed by member id and carry the contract headers.
        for record in try harness.read("coupon-jobs", atLeast: 4) {
            let job = try JSONParser.parse(record.value!).objectValue!
            #expect(record.key == Array(job.string("memberId")!.utf8))
            #expect(record.headers.contains(KafkaHeader(key: "job-id", string: job.string("jobId")!)))
            #expect(record.headers.contains(KafkaHeader(key: "content-type", string: "application/json")))
            #expect(record.headers.contains(KafkaHeader(key: "plan-id", string: job.string("plan.id")!)))
        }
    }

    @Test func deadLettersBadRecordsWithHeadersAndKeepsGoing() throws {
        var events = EventFactory()
        let harness = try WorkerHarness(plans: Self.plans, start: Instant.at("2026-03-01T00:00:00Z"), partitions: 1)
        let bad = [
            "{not json",
            events.event("member.activity", "m-1", at: "2026-03-01T08:00:00+08:00"),
            events.event("order.completed", "m-1", at: "2026-03-01T08:00:00+08:00", data: #"{"orderId":"o","amount":"lots"}"#),
        ]
        let good = events.enrolled("m-1", at: "2026-03-01T08:00:00+08:00", birthday: "1990-03-02")
        try harness.produce(bad + [good], keys: ["m-1", "m-2", "m-1", "m-1"])
        try harness.waitForConsumed(4)
        try harness.waitForProduced(.deadLetters, atLeast: 3)
        let dead = try harness.read("member-activity.dlq", partitions: 1, atLeast: 3)
        try #require(dead.count == 3)
        let reasons = dead.map { record in record.headers.first { $0.key == "dlq-reason" }?.value.map { String(decoding: $0, as: UTF8.self) } }
        #expect(reasons == ["invalid-json", "key-mismatch", "invalid-field"])
        for (index, record) in dead.enumerated() {
            #expect(record.value == Array(bad[index].utf8), "the original value, unchanged")
            let header = { (name: String) in record.headers.first { $0.key == name }?.value.map { String(decoding: $0, as: UTF8.self) } }
            #expect(header("dlq-topic") == "member-activity")
            #expect(header("dlq-partition") == "0")
            #expect(header("dlq-offset") == String(index))
            #expect((header("dlq-detail") ?? "").count > 10)
        }
        #expect(dead[1].key == Array("m-2".utf8))
        // The good record after the bad ones was applied, and its member's birthday still fires.
        #expect(harness.worker.statistics.snapshot.applied == 1)
        harness.clock.set(Instant.at("2026-03-02T02:00:00Z"))
        try harness.waitForProduced(.couponJobs, atLeast: 1)
    }

    @Test func copiesTraceparentAndIgnoresUnknownTypes() throws {
        var events = EventFactory()
        // The clock already stands at the birthday's fire time when the enrolment arrives.
        let harness = try WorkerHarness(plans: Self.plans, start: Instant.at("2026-03-02T01:00:00Z"), partitions: 1)
        let trace = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"
        try harness.produce(
            [
                events.event("cart.abandoned", "m-1", at: "2026-03-01T08:00:00+08:00"),
                // Known exactly at its fire time (09:00 Shanghai on the birthday), so it fires on this event.
                events.enrolled("m-1", at: "2026-03-02T09:00:00+08:00", birthday: "1990-03-02"),
            ],
            headers: [[], [KafkaHeader(key: "traceparent", string: trace)]])
        try harness.waitForProduced(.couponJobs, atLeast: 1)
        #expect(harness.worker.statistics.snapshot.ignoredUnknownType == 1)
        let coupon = try #require(try harness.read("coupon-jobs", partitions: 1, atLeast: 1).first)
        #expect(coupon.headers.contains(KafkaHeader(key: "traceparent", string: trace)))
    }
}
