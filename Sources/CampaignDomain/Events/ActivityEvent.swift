/// One member-activity CloudEvent, validated and typed.
public struct ActivityEvent: Sendable {
    /// CloudEvents `id`; with `source`, identifies duplicates.
    public var id: String
    public var source: String
    /// CloudEvents `type`, e.g. `order.completed`.
    public var type: String
    /// The member id (CloudEvents `subject`).
    public var subject: String
    public var time: Instant
    /// The W3C `traceparent` of the input record, copied onto what this event causes.
    public var traceparent: String?
    public var payload: EventPayload
    /// The event's `data` object; for an event the decoder scanned, parsed again on every read (see `EventData`).
    public var data: JSONObject {
        get { eventData.object }
        set { eventData = .object(newValue) }
    }
    var eventData: EventData

    public init(
        id: String, source: String, type: String, subject: String, time: Instant, traceparent: String? = nil,
        payload: EventPayload, data: JSONObject = JSONObject()
    ) {
        self.init(
            id: id, source: source, type: type, subject: subject, time: time, traceparent: traceparent, payload: payload,
            eventData: .object(data))
    }

    init(
        id: String, source: String, type: String, subject: String, time: Instant, traceparent: String?,
        payload: EventPayload, eventData: EventData
    ) {
        self.id = id
        self.source = source
        self.type = type
        self.subject = subject
        self.time = time
        self.traceparent = traceparent
        self.payload = payload
        self.eventData = eventData
    }

    /// A compact hash of (source, id) that the member's duplicate memory keeps.
    public var dedupHash: UInt64 {
        var hash = FNV1a64()
        hash.combine(source)
        hash.combine(byte: 0)
        hash.combine(id)
        return hash.value
    }
}

/// The typed `data` of each event type of CONTRACT §2.
public enum EventPayload: Sendable, Equatable {
    case enrolled(ProfileFields)
    case updated(ProfileFields)
    case activity(kind: String?)
    case orderCompleted(OrderCompleted)
    /// `order.rejected` and `order.refunded`.
    case orderReversed(OrderReversed)
    case pointsEarned(amount: Int64, expiresAt: Instant?, reason: String?)
    case pointsRedeemed(amount: Int64)
    case pointsExpired(amount: Int64, expiresAt: Instant?)
    case pointsAdjusted(amount: Int64, expiresAt: Instant?)
    case pointsSnapshot([PointsBucket])
    case tierChanged(from: String?, to: String)
    case couponRedeemed(couponId: String?, planId: String?, jobId: String?)
    case erased
    /// A type this worker does not know; ignored and counted.
    case unknown
}

/// Profile fields carried by `member.enrolled` and `member.updated`; nil means "not given".
public struct ProfileFields: Sendable, Equatable {
    public var tier: String?
    public var birthday: Birthday?
    public var timeZone: Zone?
    public var locale: String?
    public var tags: [String]?
    public var consents: [Channel: Bool]
    public var homeStore: String?
    public var tagsAdd: [String]
    public var tagsRemove: [String]

    public init(
        tier: String? = nil, birthday: Birthday? = nil, timeZone: Zone? = nil, locale: String? = nil,
        tags: [String]? = nil, consents: [Channel: Bool] = [:], homeStore: String? = nil, tagsAdd: [String] = [],
        tagsRemove: [String] = []
    ) {
        self.tier = tier
        self.birthday = birthday
        self.timeZone = timeZone
        self.locale = locale
        self.tags = tags
        self.consents = consents
        self.homeStore = homeStore
        self.tagsAdd = tagsAdd
        self.tagsRemove = tagsRemove
    }
}

public struct OrderCompleted: Sendable, Equatable {
    public var orderId: String
    public var amount: DecimalAmount
    public var currency: String?
    public var pointsEarned: Int64?
    public var storeId: String?
    public var channel: String?
}

public struct OrderReversed: Sendable, Equatable {
    public var orderId: String
    public var amount: DecimalAmount
    public var pointsDeducted: Int64
}
