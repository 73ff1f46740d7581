/// Turns an input record (key and value bytes) into an `ActivityEvent`, or a `DeadLetterReason` naming what is wrong.
///
/// Validation follows CONTRACT §2 and §5: structured-mode CloudEvents 1.0 with `id`, `source`, `type`, `subject` and
/// `time`; a key, when present, equal to `subject`; typed `data` for every known type.
public struct EventDecoder: Sendable {
    /// Records larger than this are dead-lettered unparsed (`too-large`).
    public var maxRecordBytes: Int

    public init(maxRecordBytes: Int = 1 << 20) {
        self.maxRecordBytes = maxRecordBytes
    }

    public func decode(key: [UInt8]?, value: [UInt8]?, traceparent: String? = nil) -> Result<ActivityEvent, DeadLetterReason> {
        do {
            return .success(try decodeOrThrow(key: key, value: value, traceparent: traceparent))
        } catch {
            return .failure(error)
        }
    }

    func decodeOrThrow(key: [UInt8]?, value: [UInt8]?, traceparent: String?) throws(DeadLetterReason) -> ActivityEvent {
        guard let value, !value.isEmpty else { throw DeadLetterReason(.invalidJSON, "the record has no value") }
        guard value.count <= maxRecordBytes else {
            throw DeadLetterReason(.tooLarge, "the record is \(value.count) bytes, more than the \(maxRecordBytes)-byte limit")
        }
        if let event = Self.scanned(key: key, value: value, traceparent: traceparent) { return event }
        return try parsed(key: key, value: value, traceparent: traceparent)
    }

    /// The general path: any record, through a JSON tree, with a reason for each way a record can be wrong.
    func parsed(key: [UInt8]?, value: [UInt8], traceparent: String?) throws(DeadLetterReason) -> ActivityEvent {
        let json: JSONValue
        do {
            json = try JSONParser.parse(value)
        } catch {
            throw DeadLetterReason(.invalidJSON, "the value is not valid JSON: \(error.description)")
        }
        guard case .object(let envelope) = json else {
            throw DeadLetterReason(.notCloudEvent, "the value is a JSON \(json.typeName), not a CloudEvent object")
        }
        guard let specversion = envelope["specversion"] else {
            throw DeadLetterReason(.notCloudEvent, "the value has no \"specversion\"; expected a CloudEvents 1.0 event in structured mode")
        }
        guard specversion.stringValue == "1.0" else {
            throw DeadLetterReason(.notCloudEvent, "\"specversion\" must be \"1.0\"")
        }
        let id = try requiredString(envelope, "id")
        let source = try requiredString(envelope, "source")
        let type = try requiredString(envelope, "type")
        let subject = try requiredString(envelope, "subject")
        let timeText = try requiredString(envelope, "time")
        guard let time = Instant(rfc3339: timeText) else {
            throw DeadLetterReason(.invalidField, "\"time\" is not an RFC 3339 date-time: \(quoted(timeText))")
        }
        if let key, !key.elementsEqual(subject.utf8) {
            throw DeadLetterReason(.keyMismatch, "the record key \(quoted(String(decoding: key, as: UTF8.self))) differs from \"subject\" \(quoted(subject))")
        }
        var data = JSONObject()
        if let rawData = envelope["data"], !rawData.isNull {
            guard case .object(let object) = rawData else {
                throw DeadLetterReason(.invalidField, "\"data\" must be a JSON object, not a \(rawData.typeName)")
            }
            data = object
        }
        let payload = try PayloadDecoder(data: data).decode(type: type)
        let trace = Self.trace(header: traceparent, envelope: envelope["traceparent"]?.stringValue)
        return ActivityEvent(
            id: id, source: source, type: type, subject: subject, time: time, traceparent: trace,
            payload: payload, data: data)
    }

    /// The usual event, read straight from its bytes by `JSONScanner`: about a fifth of the work of a JSON tree.
    ///
    /// Nil for any record it does not read exactly as the general path would, and for every record the general path
    /// would reject, so that path alone words dead-letter reasons. `ScannedEventTests` hold the two paths equal.
    static func scanned(key: [UInt8]?, value: [UInt8], traceparent: String?) -> ActivityEvent? {
        value.withUnsafeBufferPointer { bytes in
            withUnsafeTemporaryAllocation(of: ScannedMember.self, capacity: JSONScanner.memberCapacity) { members -> ActivityEvent? in
                guard let count = JSONScanner.members(of: 0..<bytes.count, in: bytes, into: members) else { return nil }
                let envelope = ScannedObject(bytes: bytes, members: UnsafeBufferPointer(rebasing: members[..<count]))
                // One pass over the attributes; the ones this worker reads are told apart by length first.
                var version, id, source, type, subject, time, data, envelopeTrace: ScannedMember?
                for member in envelope.members {
                    switch member.name.count {
                    case 2 where envelope.member(member, isNamed: "id"): id = member
                    case 4 where envelope.member(member, isNamed: "type"): type = member
                    case 4 where envelope.member(member, isNamed: "time"): time = member
                    case 4 where envelope.member(member, isNamed: "data"): data = member
                    case 6 where envelope.member(member, isNamed: "source"): source = member
                    case 7 where envelope.member(member, isNamed: "subject"): subject = member
                    case 11 where envelope.member(member, isNamed: "specversion"): version = member
                    case 11 where envelope.member(member, isNamed: "traceparent"): envelopeTrace = member
                    default: continue
                    }
                }
                guard let version, version.kind == .string, envelope.text(version) == "1.0",
                    let id = envelope.nonEmptyString(id), let source = envelope.nonEmptyString(source),
                    let type = envelope.nonEmptyString(type),
                    let subject, subject.kind == .string, !subject.value.isEmpty,
                    let time, time.kind == .string,
                    let instant = Instant.parse(rfc3339: UnsafeBufferPointer(rebasing: bytes[time.value]))
                else { return nil }
                if let key, !key.withUnsafeBytes({ ByteWord.same($0, UnsafeRawBufferPointer(UnsafeBufferPointer(rebasing: bytes[subject.value]))) }) {
                    return nil
                }
                var fields = ScannedObject(bytes: bytes, members: UnsafeBufferPointer(rebasing: members[count..<count]))
                if let data, data.kind != .null {
                    guard data.kind == .object else { return nil }
                    // Scanned with the envelope and still in place when it came last; otherwise scanned again.
                    let dataCount: Int
                    if envelope.isLast(data) {
                        dataCount = Int(data.memberCount)
                    } else {
                        guard let count = JSONScanner.members(of: data.value, in: bytes, into: members, from: count)
                        else { return nil }
                        dataCount = count
                    }
                    let dataMembers = members[count..<(count + dataCount)]
                    fields = ScannedObject(bytes: bytes, members: UnsafeBufferPointer(rebasing: dataMembers))
                }
                guard let payload = try? PayloadDecoder(data: fields).decode(type: type) else { return nil }
                let attribute = envelopeTrace.flatMap { $0.kind == .string ? envelope.text($0) : nil }
                let trace = Self.trace(header: traceparent, envelope: attribute)
                let eventData: EventData =
                    if let data, data.kind == .object { .json(value[data.value]) } else { .object(JSONObject()) }
                return ActivityEvent(
                    id: id, source: source, type: type, subject: envelope.text(subject), time: instant, traceparent: trace,
                    payload: payload, eventData: eventData)
            }
        }
    }

    /// The trace to copy onto outputs. The record header wins; the CloudEvents distributed-tracing attribute is the
    /// fallback. Only well-formed W3C values are copied, so nothing from an event reaches a header unchecked.
    static func trace(header: String?, envelope: String?) -> String? {
        if let header, isValidTraceparent(header) { return header }
        if let envelope, isValidTraceparent(envelope) { return envelope }
        return nil
    }

    /// W3C trace context: `00-<32 hex>-<16 hex>-<2 hex>`, lowercase.
    static func isValidTraceparent(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        guard bytes.count == 55, bytes[2] == UInt8(ascii: "-"), bytes[35] == UInt8(ascii: "-"), bytes[52] == UInt8(ascii: "-")
        else { return false }
        for (index, byte) in bytes.enumerated() where index != 2 && index != 35 && index != 52 {
            guard (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains(byte)
            else { return false }
        }
        return true
    }

    private func requiredString(_ object: JSONObject, _ name: String) throws(DeadLetterReason) -> String {
        guard let value = object[name], !value.isNull else {
            throw DeadLetterReason(.missingField, "required attribute \"\(name)\" is missing")
        }
        guard case .string(let text) = value else {
            throw DeadLetterReason(.invalidField, "\"\(name)\" must be a string, not a \(value.typeName)")
        }
        guard !text.isEmpty else { throw DeadLetterReason(.missingField, "required attribute \"\(name)\" is empty") }
        return text
    }
}

/// Quotes a value from an event for a readable message, cut to 80 characters and with control characters escaped.
func quoted(_ text: String) -> String {
    var writer = JSONWriter()
    writer.string(text.count > 80 ? String(text.prefix(80)) + "…" : text)
    return writer.string
}

/// The event types with typed data (CONTRACT §2).
enum KnownEventType: String, CaseIterable {
    case enrolled = "member.enrolled", updated = "member.updated", activity = "member.activity"
    case orderCompleted = "order.completed", orderRejected = "order.rejected", orderRefunded = "order.refunded"
    case pointsEarned = "points.earned", pointsRedeemed = "points.redeemed", pointsExpired = "points.expired"
    case pointsAdjusted = "points.adjusted", pointsSnapshot = "points.snapshot", tierChanged = "tier.changed"
    case couponRedeemed = "coupon.redeemed", erased = "member.erased"

    /// Looked up once per event: a `switch` over strings would compare them one by one.
    static let byName = Dictionary(uniqueKeysWithValues: allCases.map { ($0.rawValue, $0) })
}

/// Where `PayloadDecoder` reads an event's `data` members from: a parsed object, or one `JSONScanner` read in place.
protocol PayloadSource {
    /// The member's value; nil when there is no such member. Throws only where the source cannot say (the scanned
    /// path then leaves the record to the general one).
    func value(of name: StaticString) throws(DeadLetterReason) -> JSONValue?
}

extension JSONObject: PayloadSource {
    func value(of name: StaticString) -> JSONValue? { self[name.description] }
}

/// Reads the typed fields of one event type's `data`.
struct PayloadDecoder<Source: PayloadSource> {
    let data: Source

    func decode(type: String) throws(DeadLetterReason) -> EventPayload {
        guard let known = KnownEventType.byName[type] else { return .unknown }
        switch known {
        case .enrolled: return .enrolled(try profile(allowTagEdits: false))
        case .updated: return .updated(try profile(allowTagEdits: true))
        case .activity: return .activity(kind: try string("kind"))
        case .orderCompleted:
            return .orderCompleted(
                OrderCompleted(
                    orderId: try requiredString("orderId"), amount: try requiredAmount("amount"),
                    currency: try string("currency"), pointsEarned: try points("pointsEarned", allowNegative: false),
                    storeId: try string("storeId"), channel: try string("channel")))
        case .orderRejected, .orderRefunded:
            return .orderReversed(
                OrderReversed(
                    orderId: try requiredString("orderId"), amount: try amount("amount") ?? .zero,
                    pointsDeducted: try points("pointsDeducted", allowNegative: false) ?? 0))
        case .pointsEarned:
            return .pointsEarned(
                amount: try requiredPoints("amount", allowNegative: false), expiresAt: try instant("expiresAt"),
                reason: try string("reason"))
        case .pointsRedeemed: return .pointsRedeemed(amount: try requiredPoints("amount", allowNegative: false))
        case .pointsExpired:
            return .pointsExpired(amount: try requiredPoints("amount", allowNegative: false), expiresAt: try instant("expiresAt"))
        case .pointsAdjusted:
            return .pointsAdjusted(amount: try requiredPoints("amount", allowNegative: true), expiresAt: try instant("expiresAt"))
        case .pointsSnapshot: return .pointsSnapshot(try buckets())
        case .tierChanged: return .tierChanged(from: try string("from"), to: try requiredString("to"))
        case .couponRedeemed:
            return .couponRedeemed(couponId: try string("couponId"), planId: try string("planId"), jobId: try string("jobId"))
        case .erased: return .erased
        }
    }

    private func present(_ name: StaticString) throws(DeadLetterReason) -> JSONValue? {
        guard let value = try data.value(of: name), !value.isNull else { return nil }
        return value
    }

    func string(_ name: StaticString) throws(DeadLetterReason) -> String? {
        guard let value = try present(name) else { return nil }
        guard case .string(let text) = value else {
            throw DeadLetterReason(.invalidField, "\"data.\(name)\" must be a string, not a \(value.typeName)")
        }
        return text
    }

    func requiredString(_ name: StaticString) throws(DeadLetterReason) -> String {
        guard let text = try string(name) else {
            throw DeadLetterReason(.missingField, "required field \"data.\(name)\" is missing")
        }
        return text
    }

    func amount(_ name: StaticString) throws(DeadLetterReason) -> DecimalAmount? {
        guard let value = try present(name) else { return nil }
        let text: String
        switch value {
        case .string(let s): text = s
        case .number(let s): text = s
        default: throw DeadLetterReason(.invalidField, "\"data.\(name)\" must be a decimal string such as \"199.00\", not a \(value.typeName)")
        }
        guard let amount = DecimalAmount(text) else {
            throw DeadLetterReason(.invalidField, "\"data.\(name)\" is not a decimal amount: \(quoted(text))")
        }
        return amount
    }

    func requiredAmount(_ name: StaticString) throws(DeadLetterReason) -> DecimalAmount {
        guard let amount = try amount(name) else {
            throw DeadLetterReason(.missingField, "required field \"data.\(name)\" is missing")
        }
        return amount
    }

    /// Points are whole numbers, given as a JSON integer or an integer string.
    func points(_ name: StaticString, allowNegative: Bool) throws(DeadLetterReason) -> Int64? {
        guard let value = try present(name) else { return nil }
        let text: String
        switch value {
        case .string(let s): text = s
        case .number(let s): text = s
        default: throw DeadLetterReason(.invalidField, "\"data.\(name)\" must be a whole number of points, not a \(value.typeName)")
        }
        guard let points = Int64(text), abs(points) < 1_000_000_000_000 else {
            throw DeadLetterReason(.invalidField, "\"data.\(name)\" must be a whole number of points: \(quoted(text))")
        }
        guard allowNegative || points >= 0 else {
            throw DeadLetterReason(.invalidField, "\"data.\(name)\" must not be negative: \(text)")
        }
        return points
    }

    func requiredPoints(_ name: StaticString, allowNegative: Bool) throws(DeadLetterReason) -> Int64 {
        guard let points = try points(name, allowNegative: allowNegative) else {
            throw DeadLetterReason(.missingField, "required field \"data.\(name)\" is missing")
        }
        return points
    }

    func instant(_ name: StaticString) throws(DeadLetterReason) -> Instant? {
        guard let text = try string(name) else { return nil }
        guard let instant = Instant(rfc3339: text) else {
            throw DeadLetterReason(.invalidField, "\"data.\(name)\" is not an RFC 3339 date-time: \(quoted(text))")
        }
        return instant
    }

    func stringArray(_ name: StaticString) throws(DeadLetterReason) -> [String]? {
        guard let value = try present(name) else { return nil }
        guard case .array(let elements) = value else {
            throw DeadLetterReason(.invalidField, "\"data.\(name)\" must be an array of strings, not a \(value.typeName)")
        }
        var result: [String] = []
        for (index, element) in elements.enumerated() {
            guard case .string(let text) = element else {
                throw DeadLetterReason(.invalidField, "\"data.\(name)[\(index)]\" must be a string, not a \(element.typeName)")
            }
            result.append(text)
        }
        return result
    }

    func profile(allowTagEdits: Bool) throws(DeadLetterReason) -> ProfileFields {
        var fields = ProfileFields()
        fields.tier = try string("tier")
        if let text = try string("birthday") {
            guard let birthday = Birthday(text) else {
                throw DeadLetterReason(.invalidField, "\"data.birthday\" must be YYYY-MM-DD or --MM-DD: \(quoted(text))")
            }
            fields.birthday = birthday
        }
        if let text = try string("timezone") {
            guard let zone = Zone(identifier: text) else {
                throw DeadLetterReason(.invalidField, "\"data.timezone\" is not a known IANA time zone: \(quoted(text))")
            }
            fields.timeZone = zone
        }
        fields.locale = try string("locale")
        fields.tags = try stringArray("tags")
        fields.homeStore = try string("homeStore")
        if let value = try present("consents") {
            guard case .object(let object) = value else {
                throw DeadLetterReason(.invalidField, "\"data.consents\" must be an object such as {\"sms\":true}, not a \(value.typeName)")
            }
            for member in object.members {
                guard case .bool(let granted) = member.value else {
                    throw DeadLetterReason(.invalidField, "\"data.consents.\(member.key)\" must be true or false, not a \(member.value.typeName)")
                }
                // Channels this worker cannot send on are not stored; the contract fixes the channel list.
                if let channel = Channel(rawValue: member.key) { fields.consents[channel] = granted }
            }
        }
        if allowTagEdits {
            fields.tagsAdd = try stringArray("tagsAdd") ?? []
            fields.tagsRemove = try stringArray("tagsRemove") ?? []
        }
        return fields
    }

    func buckets() throws(DeadLetterReason) -> [PointsBucket] {
        guard let value = try present("buckets") else {
            throw DeadLetterReason(.missingField, "required field \"data.buckets\" is missing")
        }
        guard case .array(let elements) = value else {
            throw DeadLetterReason(.invalidField, "\"data.buckets\" must be an array, not a \(value.typeName)")
        }
        var result: [PointsBucket] = []
        for (index, element) in elements.enumerated() {
            guard case .object(let object) = element else {
                throw DeadLetterReason(.invalidField, "\"data.buckets[\(index)]\" must be an object, not a \(element.typeName)")
            }
            let bucket = PayloadDecoder<JSONObject>(data: object)
            do {
                let amount = try bucket.requiredPoints("amount", allowNegative: false)
                result.append(PointsBucket(expiresAt: try bucket.instant("expiresAt"), amount: amount))
            } catch {
                throw DeadLetterReason(error.code, error.detail.replacingFirst("\"data.", with: "\"data.buckets[\(index)]."))
            }
        }
        return result
    }
}

extension String {
    func replacingFirst(_ target: String, with replacement: String) -> String {
        let characters = Array(self)
        let pattern = Array(target)
        guard !pattern.isEmpty, characters.count >= pattern.count else { return self }
        for start in 0...(characters.count - pattern.count) where Array(characters[start..<(start + pattern.count)]) == pattern {
            return String(characters[..<start]) + replacement + String(characters[(start + pattern.count)...])
        }
        return self
    }
}
