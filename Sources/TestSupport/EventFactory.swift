import CampaignDomain

/// Builds CloudEvent JSON lines for tests, so no test spells out the envelope by hand.
public struct EventFactory: Sendable {
    public var source: String
    private var counter = 0

    public init(source: String = "test/pos") { self.source = source }

    /// One structured-mode CloudEvent; `data` is a JSON object literal. Ids are `evt-1`, `evt-2`, … unless given.
    public mutating func event(
        _ type: String, _ subject: String, at time: String, id: String? = nil, data: String = "{}"
    ) -> String {
        counter += 1
        let eventID = id ?? "evt-\(counter)"
        return #"{"specversion":"1.0","id":"\#(eventID)","source":"\#(source)","type":"\#(type)","subject":"\#(subject)","time":"\#(time)","data":\#(data)}"#
    }

    /// `member.enrolled` with the usual profile fields.
    public mutating func enrolled(
        _ subject: String, at time: String, tier: String = "gold", birthday: String? = nil, timezone: String? = nil,
        consents: String = #"{"sms":true,"email":false,"push":true,"wechat":true}"#, locale: String = "zh-CN",
        tags: String = "[]"
    ) -> String {
        var fields = [#""tier":"\#(tier)""#, #""locale":"\#(locale)""#, #""consents":\#(consents)"#, #""tags":\#(tags)"#]
        if let birthday { fields.append(#""birthday":"\#(birthday)""#) }
        if let timezone { fields.append(#""timezone":"\#(timezone)""#) }
        return event("member.enrolled", subject, at: time, data: "{" + fields.joined(separator: ",") + "}")
    }
}

extension Instant {
    /// Parses an RFC 3339 literal in tests; traps on a typo, which is a bug in the test itself.
    public static func at(_ text: String) -> Instant {
        guard let instant = Instant(rfc3339: text) else { preconditionFailure("bad RFC 3339 literal in test: \(text)") }
        return instant
    }
}
