import CampaignDomain

/// Builds plans from JSON in tests, failing loudly when the JSON is not a valid plan.
public enum PlanFactory {
    public static func plan(_ json: String) -> Plan {
        let (plans, errors) = PlanParser().parse(Array(json.utf8), source: "test")
        guard errors.isEmpty, plans.count == 1 else { preconditionFailure("invalid test plan: \(errors)") }
        return plans[0]
    }

    /// The contract's birthday plan shape with the given trigger and audience.
    public static func birthday(
        id: String = "birthday-gold", trigger: String = #"{"type":"birthday","offsetDays":0,"at":"09:00"}"#,
        audience: String? = nil, extra: String = ""
    ) -> Plan {
        plan(
            #"{"id":"\#(id)","version":3,"status":"active","trigger":\#(trigger),"# + (audience.map { #""audience":\#($0),"# } ?? "")
                + #""actions":[{"type":"coupon","template":"BDAY-50","validDays":30},{"type":"notify","channels":["wechat","sms"],"template":"birthday-greeting"}]\#(extra)}"#
        )
    }
}
