/// A notification job held by quiet hours: decided at its fire time, emitted when the quiet hours end.
///
/// Kept in member state, so held jobs survive restarts like any other state; erasure drops them.
public struct HeldNotification: Sendable, Hashable {
    public var jobID: JobID
    public var planID: String
    public var planVersion: Int
    public var trigger: TriggerRef
    public var channel: Channel
    public var template: String
    public var locale: String?
    public var params: JSONObject
    /// The end of the quiet hours: when the job is emitted, and its `sendAfter`.
    public var releaseAt: Instant
    public var traceparent: String?

    public init(
        jobID: JobID, planID: String, planVersion: Int, trigger: TriggerRef, channel: Channel, template: String,
        locale: String?, params: JSONObject, releaseAt: Instant, traceparent: String?
    ) {
        self.jobID = jobID
        self.planID = planID
        self.planVersion = planVersion
        self.trigger = trigger
        self.channel = channel
        self.template = template
        self.locale = locale
        self.params = params
        self.releaseAt = releaseAt
        self.traceparent = traceparent
    }
}
