/// Encodes coupon jobs, notification jobs and decisions in the CONTRACT §4 formats, with the §1 headers.
///
/// Members are written in a fixed order so the same input gives the same bytes. Jobs never carry contact data.
struct JobEncoder {
    let memberID: String
    let planID: String
    let planVersion: Int
    let trigger: TriggerRef
    let createdAt: Instant
    let traceparent: String?
    /// The plan's part of every record: the start of its `plan` and `trigger` members, and its `plan-id` header.
    private let template: RecordTemplate
    /// The `traceparent` header's value, the same for every record of the encoder.
    private let traceBytes: [UInt8]?
    /// The fire and creation times, formatted once for all the records of the encoder.
    private let firedAtText: FormattedInstant
    private let createdAtText: FormattedInstant

    init(memberID: String, plan: Plan, trigger: TriggerRef, createdAt: Instant, traceparent: String?) {
        self.init(
            memberID: memberID, planID: plan.id, planVersion: plan.version, trigger: trigger, createdAt: createdAt,
            traceparent: traceparent, template: plan.recordTemplate)
    }

    /// `template`, when given, must be the `RecordTemplate` of the plan and the trigger's type (`Plan` keeps it);
    /// without it, it is made here.
    init(
        memberID: String, planID: String, planVersion: Int, trigger: TriggerRef, createdAt: Instant, traceparent: String?,
        template: RecordTemplate? = nil
    ) {
        self.memberID = memberID
        self.planID = planID
        self.planVersion = planVersion
        self.trigger = trigger
        self.createdAt = createdAt
        self.traceparent = traceparent
        self.template = template ?? RecordTemplate(planID: planID, version: planVersion, triggerType: trigger.type)
        traceBytes = traceparent.map { Array($0.utf8) }
        firedAtText = FormattedInstant(trigger.firedAt)
        createdAtText = firedAtText.reused(for: createdAt)
    }

    /// What every job and decision of one plan writes alike, made once per plan (`Plan.recordTemplate`).
    struct RecordTemplate: Sendable, Hashable {
        /// `"plan":{"id":…,"version":…},"trigger":{"type":…,"occurrence":`: the `plan` and `trigger` members up to
        /// the occurrence's value.
        let prefix: [UInt8]
        /// The `plan-id` header's value.
        let planIDBytes: [UInt8]

        init(planID: String, version: Int, triggerType: String) {
            var w = JSONWriter(reservingCapacity: 96)
            w.fragment("\"plan\":{\"id\":")
            w.string(planID)
            w.fragment(",\"version\":")
            w.int(version)
            w.fragment("},\"trigger\":{\"type\":")
            w.string(triggerType)
            w.fragment(",\"occurrence\":")
            prefix = w.finish()
            planIDBytes = Array(planID.utf8)
        }
    }

    /// A job that quiet hours held, emitted now with `sendAfter` at the end of the quiet hours.
    static func released(_ held: HeldNotification, memberID: String, createdAt: Instant) -> OutputRecord {
        JobEncoder(
            memberID: memberID, planID: held.planID, planVersion: held.planVersion, trigger: held.trigger, createdAt: createdAt,
            traceparent: held.traceparent
        ).notificationJob(
            jobID: held.jobID, channel: held.channel, template: held.template, locale: held.locale, params: NotificationParams(held.params),
            sendAfter: held.releaseAt)
    }

    func couponJob(jobID: JobID, coupon: CouponAction, validFrom: Instant, validUntil: Instant) -> OutputRecord {
        record(.couponJobs, jobID: jobID, facts: facts()) { w in
            writeJobStart(&w, schema: "coupon-job/1", jobID: jobID)
            w.field("coupon")
            w.beginObject()
            w.field("template", coupon.template)
            w.field("validFrom", firedAtText.reused(for: validFrom))
            w.field("validUntil", firedAtText.reused(for: validUntil))
            w.field("params")
            w.value(.object(coupon.params))
            w.endObject()
            w.field("createdAt", createdAtText)
            w.endObject()
        }
    }

    func notificationJob(
        jobID: JobID, channel: Channel, template: String, locale: String?, params: NotificationParams, sendAfter: Instant
    ) -> OutputRecord {
        record(.notificationJobs, jobID: jobID, facts: facts(channel: channel.rawValue)) { w in
            writeJobStart(&w, schema: "notification-job/1", jobID: jobID)
            w.field("notification")
            w.beginObject()
            w.field("channel", channel.rawValue)
            w.field("template", template)
            w.field("locale", locale)
            w.field("params")
            w.value(params)
            w.endObject()
            w.field("sendAfter", firedAtText.reused(for: sendAfter))
            w.field("createdAt", createdAtText)
            w.endObject()
        }
    }

    func decision(
        reason: SuppressionReason?, jobIDs: InlineList<JobID>, suppressedActions: [(action: Int, reason: SuppressionReason)]
    ) -> OutputRecord {
        let decisionFacts = facts(
            outcome: reason == nil ? "fired" : "suppressed", reason: reason?.rawValue,
            actionReasons: suppressedActions.isEmpty ? [] : suppressedActions.map(\.reason.rawValue))
        return record(.decisions, jobID: nil, facts: decisionFacts) { w in
            w.beginObject()
            w.field("schema", "decision/1")
            w.field("memberId", memberID)
            writeCommon(&w)
            w.field("outcome", reason == nil ? "fired" : "suppressed")
            w.field("reason", reason?.rawValue)
            w.field("jobIds")
            w.beginArray()
            for index in 0..<jobIDs.count { w.string(jobIDs[index]) }
            w.endArray()
            if !suppressedActions.isEmpty {
                w.field("suppressedActions")
                w.beginArray()
                for entry in suppressedActions {
                    w.beginObject()
                    w.field("action", entry.action)
                    w.field("reason", entry.reason.rawValue)
                    w.endObject()
                }
                w.endArray()
            }
            w.field("createdAt", createdAtText)
            w.endObject()
        }
    }

    /// One record, its value written by `body` in a buffer on the stack (on the heap only past 1 KiB), then copied
    /// with the key and headers into the record's one array.
    @inline(__always)
    private func record(
        _ role: OutputRole, jobID: JobID?, facts: OutputRecord.Facts, _ body: (inout JSONWriter) -> Void
    ) -> OutputRecord {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 1024) { stack in
            var w = JSONWriter(startingIn: stack)
            body(&w)
            return w.withWritten { record(role, value: $0, jobID: jobID, facts: facts) }
        }
    }

    /// What every job starts with: its `schema`, `jobId`, `memberId`, `plan` and `trigger` members.
    private func writeJobStart(_ w: inout JSONWriter, schema: String, jobID: JobID) {
        w.beginObject()
        w.field("schema", schema)
        w.field("jobId")
        w.string(jobID)
        w.field("memberId", memberID)
        writeCommon(&w)
    }

    /// The `plan` and `trigger` members (CONTRACT §4): the template's prefix, which leaves the `trigger` object open,
    /// then the occurrence and fire time, and the `}` that closes it.
    private func writeCommon(_ w: inout JSONWriter) {
        w.members(endingWithName: template.prefix)
        w.string(trigger.occurrence)
        w.field("firedAt", firedAtText)
        w.fragment("}")
    }

    /// The `content-type` header's value, the same for every record.
    static let contentType = Array("application/json".utf8)

    /// The header names of each kind of record, one array for all the records of a kind (CONTRACT §1).
    static let jobHeaders = ["content-type", "job-id", "plan-id"]
    static let tracedJobHeaders = ["content-type", "job-id", "plan-id", "traceparent"]
    static let decisionHeaders = ["content-type", "plan-id"]
    static let tracedDecisionHeaders = ["content-type", "plan-id", "traceparent"]

    private func facts(channel: String? = nil, outcome: String? = nil, reason: String? = nil, actionReasons: [String] = []) -> OutputRecord.Facts {
        OutputRecord.Facts(
            triggerType: trigger.type, firedAt: trigger.firedAt, createdAt: createdAt, channel: channel, outcome: outcome, reason: reason,
            actionReasons: actionReasons)
    }

    private func record(_ role: OutputRole, value: UnsafeRawBufferPointer, jobID: JobID?, facts: OutputRecord.Facts) -> OutputRecord {
        let headerNames =
            switch (jobID != nil, traceBytes != nil) {
            case (true, true): Self.tracedJobHeaders
            case (true, false): Self.jobHeaders
            case (false, true): Self.tracedDecisionHeaders
            case (false, false): Self.decisionHeaders
            }
        // The closure captures these alone: capturing `self` copied the whole encoder for every record.
        var memberID = memberID
        let planIDBytes = template.planIDBytes, traceBytes = traceBytes
        let byteCount =
            memberID.utf8.count + value.count + Self.contentType.count + (jobID == nil ? 0 : JobID.utf8Count) + planIDBytes.count
            + (traceBytes?.count ?? 0)
        return OutputRecord(role: role, headerNames: headerNames, byteCount: byteCount, planID: planID, facts: facts) { parts in
            memberID.withUTF8 { parts.key(UnsafeRawBufferPointer($0)) }
            parts.value(value)
            Self.contentType.withUnsafeBytes { parts.header($0) }
            jobID?.withUTF8 { parts.header($0) }
            planIDBytes.withUnsafeBytes { parts.header($0) }
            traceBytes?.withUnsafeBytes { parts.header($0) }
        }
    }
}
