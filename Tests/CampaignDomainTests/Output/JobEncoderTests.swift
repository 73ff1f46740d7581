@testable import CampaignDomain
import TestSupport
import Testing

/// The exact bytes and headers of each output kind (CONTRACT §4): the same input gives the same bytes in every
/// version, so consumers can compare records, and a faster encoder must write the same.
@Suite struct JobEncoderTests {
    /// A member id with a quote, a backslash, a control character and non-ASCII text, which all need care.
    static let encoder = JobEncoder(
        memberID: "m-\"1\\\u{1}é", planID: "birthday-gold", planVersion: 3,
        trigger: TriggerRef(type: "birthday", occurrence: "2026", firedAt: Instant.at("2026-03-09T01:00:00Z")),
        createdAt: Instant.at("2026-03-09T01:00:00.250Z"), traceparent: "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01")

    static func text(_ record: OutputRecord) -> String { String(decoding: record.value ?? [], as: UTF8.self) }
    static func headers(_ record: OutputRecord) -> [String] {
        record.headers.map { "\($0.key)=\(String(decoding: $0.value, as: UTF8.self))" }
    }

    @Test func aCouponJob() {
        let coupon = CouponAction(
            template: "BDAY-50", validity: .days(30), params: JSONObject([("discount", .number("50")), ("note", .string("a\nb"))]))
        let record = Self.encoder.couponJob(
            jobID: JobID(text: "0190c7a2-0000-8000-8000-000000000001")!, coupon: coupon, validFrom: Instant.at("2026-03-09T01:00:00Z"),
            validUntil: Instant.at("2026-04-08T01:00:00Z"))
        #expect(record.role == .couponJobs)
        #expect(record.key == Array("m-\"1\\\u{1}é".utf8))
        #expect(
            Self.text(record)
                == #"{"schema":"coupon-job/1","jobId":"0190c7a2-0000-8000-8000-000000000001","memberId":"m-\"1\\\u0001é","plan":{"id":"birthday-gold","version":3},"trigger":{"type":"birthday","occurrence":"2026","firedAt":"2026-03-09T01:00:00Z"},"coupon":{"template":"BDAY-50","validFrom":"2026-03-09T01:00:00Z","validUntil":"2026-04-08T01:00:00Z","params":{"discount":50,"note":"a\nb"}},"createdAt":"2026-03-09T01:00:00.250Z"}"#)
        #expect(
            Self.headers(record) == [
                "content-type=application/json", "job-id=0190c7a2-0000-8000-8000-000000000001", "plan-id=birthday-gold",
                "traceparent=00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
            ])
    }

    @Test func aNotificationJob() {
        let record = Self.encoder.notificationJob(
            jobID: JobID(text: "0190c7a2-0000-8000-8000-000000000002")!, channel: .wechat, template: "birthday-greeting", locale: nil,
            params: NotificationParams(JSONObject([("couponTemplate", .string("BDAY-50")), ("pointsBalance", .string("1200"))])),
            sendAfter: Instant.at("2026-03-09T02:00:00Z"))
        #expect(record.role == .notificationJobs)
        #expect(
            Self.text(record)
                == #"{"schema":"notification-job/1","jobId":"0190c7a2-0000-8000-8000-000000000002","memberId":"m-\"1\\\u0001é","plan":{"id":"birthday-gold","version":3},"trigger":{"type":"birthday","occurrence":"2026","firedAt":"2026-03-09T01:00:00Z"},"notification":{"channel":"wechat","template":"birthday-greeting","locale":null,"params":{"couponTemplate":"BDAY-50","pointsBalance":"1200"}},"sendAfter":"2026-03-09T02:00:00Z","createdAt":"2026-03-09T01:00:00.250Z"}"#)
        #expect(Self.headers(record).count == 4)
    }

    @Test func decisionsFiredAndSuppressed() {
        let fired = Self.encoder.decision(
            reason: nil, jobIDs: [JobID(text: "0190c7a2-0000-8000-8000-000000000001")!], suppressedActions: [(action: 1, reason: .noConsent)])
        #expect(fired.role == .decisions)
        #expect(
            Self.text(fired)
                == #"{"schema":"decision/1","memberId":"m-\"1\\\u0001é","plan":{"id":"birthday-gold","version":3},"trigger":{"type":"birthday","occurrence":"2026","firedAt":"2026-03-09T01:00:00Z"},"outcome":"fired","reason":null,"jobIds":["0190c7a2-0000-8000-8000-000000000001"],"suppressedActions":[{"action":1,"reason":"no-consent"}],"createdAt":"2026-03-09T01:00:00.250Z"}"#)
        let suppressed = Self.encoder.decision(reason: .audience, jobIDs: [], suppressedActions: [])
        #expect(
            Self.text(suppressed)
                == #"{"schema":"decision/1","memberId":"m-\"1\\\u0001é","plan":{"id":"birthday-gold","version":3},"trigger":{"type":"birthday","occurrence":"2026","firedAt":"2026-03-09T01:00:00Z"},"outcome":"suppressed","reason":"audience","jobIds":[],"createdAt":"2026-03-09T01:00:00.250Z"}"#)
        // Decision records carry no job-id header (CONTRACT §4).
        #expect(Self.headers(suppressed) == [
            "content-type=application/json", "plan-id=birthday-gold",
            "traceparent=00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
        ])
    }

    /// The plan's part of every record is written once per plan (`Plan.recordTemplate`): it follows changes to the plan,
    /// escapes what needs it, and gives the bytes an encoder without it writes.
    @Test func thePlanPartFollowsThePlanAndMatchesOneWrittenInFull() {
        var plan = Plan(id: "birthday-gold", trigger: .birthday(BirthdayTrigger()), actions: [])
        let trigger = TriggerRef(type: "birthday", occurrence: "2026\n\"x\"", firedAt: Instant.at("2026-03-09T01:00:00Z"))
        func decision(_ plan: Plan) -> String {
            Self.text(
                JobEncoder(memberID: "m-1", plan: plan, trigger: trigger, createdAt: Instant.at("2026-03-09T01:00:00Z"), traceparent: nil)
                    .decision(reason: .audience, jobIDs: [], suppressedActions: []))
        }
        func writtenInFull(_ plan: Plan) -> String {
            Self.text(
                JobEncoder(
                    memberID: "m-1", planID: plan.id, planVersion: plan.version, trigger: trigger,
                    createdAt: Instant.at("2026-03-09T01:00:00Z"), traceparent: nil
                ).decision(reason: .audience, jobIDs: [], suppressedActions: []))
        }
        #expect(decision(plan).contains(#""plan":{"id":"birthday-gold","version":1},"trigger":{"type":"birthday","occurrence":"2026\n\"x\"","firedAt":"2026-03-09T01:00:00Z"}"#))
        plan.version = 7
        plan.id = "gold \"VIP\" \\ 会员"
        #expect(decision(plan).contains(#""plan":{"id":"gold \"VIP\" \\ 会员","version":7}"#))
        #expect(decision(plan) == writtenInFull(plan))
        // Without a trace, a decision has two headers.
        let plain = JobEncoder(memberID: "m-1", plan: plan, trigger: trigger, createdAt: Instant.at("2026-03-09T01:00:00Z"), traceparent: nil)
            .decision(reason: .audience, jobIDs: [], suppressedActions: [])
        #expect(Self.headers(plain) == ["content-type=application/json", "plan-id=\(plan.id)"])
        plan.trigger = .anniversary(AnniversaryTrigger())
        #expect(plan.recordTemplate == JobEncoder.RecordTemplate(planID: plan.id, version: 7, triggerType: "anniversary"))
        #expect(plan.recordTemplate.planIDBytes == Array(plan.id.utf8))
    }

    /// A notification's params are the plan's, then the facts it did not set, in the order added; a held notification
    /// keeps the same members as one object.
    @Test func notificationParamsAreThePlansThenTheFactsItDidNotSet() {
        var params = NotificationParams(JSONObject([("pointsBalance", .string("plan's")), ("note", .number("1"))]))
        params.add("couponTemplate", .text("BDAY-\"50\""))
        params.add("pointsBalance", .integer(1200))
        params.add("expiresAt", .instant(Instant.at("2026-03-31T16:00:00Z")))
        params.add("inactiveDays", .integer(-3))
        params.add("couponTemplate", .text("again"))
        #expect(params.count == 3)
        let record = Self.encoder.notificationJob(
            jobID: JobID(text: "0190c7a2-0000-8000-8000-000000000002")!, channel: .sms, template: "t", locale: "zh-CN", params: params,
            sendAfter: Instant.at("2026-03-09T02:00:00Z"))
        let written = #""params":{"pointsBalance":"plan's","note":1,"couponTemplate":"BDAY-\"50\"","expiresAt":"2026-03-31T16:00:00Z","inactiveDays":"-3"}"#
        #expect(Self.text(record).contains(written))
        var object = JSONWriter()
        object.value(.object(params.object))
        #expect(#""params":"# + object.string == written)
    }
}
