import CampaignDomain
import TestSupport
import Testing

@Suite struct EventDecoderTests {
    let decoder = EventDecoder()

    func decode(_ json: String, key: String? = nil) -> Result<ActivityEvent, DeadLetterReason> {
        decoder.decode(key: key.map { Array($0.utf8) }, value: Array(json.utf8))
    }

    func reason(_ json: String, key: String? = nil) -> DeadLetterReason? {
        if case .failure(let reason) = decode(json, key: key) { return reason }
        return nil
    }

    @Test func decodesTheContractExample() throws {
        let json = #"{"specversion":"1.0","id":"evt-8812","source":"pos/store-42","type":"order.completed","subject":"m-1001","time":"2026-11-25T10:15:00+08:00","data":{"orderId":"o-77","amount":"199.00","currency":"CNY","pointsEarned":19}}"#
        let event = try decode(json, key: "m-1001").get()
        #expect(event.subject == "m-1001")
        #expect(event.time == Instant.at("2026-11-25T02:15:00Z"))
        guard case .orderCompleted(let order) = event.payload else {
            Issue.record("wrong payload \(event.payload)")
            return
        }
        #expect(order.amount == DecimalAmount("199")!)
        #expect(order.pointsEarned == 19)
        #expect(order.currency == "CNY")
    }

    @Test func decodesProfiles() throws {
        var events = EventFactory()
        let json = events.enrolled("m-1", at: "2026-01-01T00:00:00Z", birthday: "--02-29", timezone: "America/New_York")
        let event = try decode(json).get()
        guard case .enrolled(let profile) = event.payload else {
            Issue.record("wrong payload")
            return
        }
        #expect(profile.birthday == Birthday(year: nil, month: 2, day: 29))
        #expect(profile.timeZone?.identifier == "America/New_York")
        #expect(profile.consents[.wechat] == true && profile.consents[.email] == false)
    }

    @Test func copiesOnlyWellFormedTraceparents() throws {
        let good = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"
        var events = EventFactory()
        let line = events.event("member.activity", "m-1", at: "2026-01-01T00:00:00Z")
        #expect(try decoder.decode(key: nil, value: Array(line.utf8), traceparent: good).get().traceparent == good)
        #expect(try decoder.decode(key: nil, value: Array(line.utf8), traceparent: "00-x\r\nevil").get().traceparent == nil)
    }

    @Test func unknownTypesDecodeAsUnknown() throws {
        var events = EventFactory()
        let event = try decode(events.event("cart.abandoned", "m-1", at: "2026-01-01T00:00:00Z")).get()
        guard case .unknown = event.payload else {
            Issue.record("expected unknown")
            return
        }
    }

    @Test func deadLetterReasons() {
        var events = EventFactory()
        #expect(reason("not json")?.code == .invalidJSON)
        #expect(reason("[1,2]")?.code == .notCloudEvent)
        #expect(reason(#"{"specversion":"0.3","id":"1"}"#)?.code == .notCloudEvent)
        #expect(reason(#"{"specversion":"1.0","id":"1","source":"s","type":"member.activity","time":"2026-01-01T00:00:00Z"}"#)?.code == .missingField)
        let mismatch = reason(events.event("member.activity", "m-1", at: "2026-01-01T00:00:00Z"), key: "m-2")
        #expect(mismatch?.code == .keyMismatch)
        #expect(mismatch?.detail.contains("m-2") == true)
        let badTime = reason(events.event("member.activity", "m-1", at: "yesterday"))
        #expect(badTime?.code == .invalidField)
        #expect(badTime?.detail.contains("\"time\"") == true)
        let badAmount = reason(events.event("order.completed", "m-1", at: "2026-01-01T00:00:00Z", data: #"{"orderId":"o","amount":"12,50"}"#))
        #expect(badAmount?.code == .invalidField)
        #expect(badAmount?.detail.contains("data.amount") == true)
        #expect(reason(events.event("order.completed", "m-1", at: "2026-01-01T00:00:00Z", data: #"{"orderId":"o"}"#))?.code == .missingField)
        #expect(reason(events.event("member.updated", "m-1", at: "2026-01-01T00:00:00Z", data: #"{"timezone":"Mars/Base"}"#))?.code == .invalidField)
        #expect(reason(events.event("member.updated", "m-1", at: "2026-01-01T00:00:00Z", data: #"{"birthday":"1990-02-30"}"#))?.code == .invalidField)
        #expect(reason(events.event("points.earned", "m-1", at: "2026-01-01T00:00:00Z", data: #"{"amount":1.5}"#))?.code == .invalidField)
        #expect(reason(events.event("points.redeemed", "m-1", at: "2026-01-01T00:00:00Z", data: #"{"amount":-5}"#))?.code == .invalidField)
        #expect(reason(events.event("member.updated", "m-1", at: "2026-01-01T00:00:00Z", data: #"{"tags":"vip"}"#))?.code == .invalidField)
        #expect(reason(events.event("points.snapshot", "m-1", at: "2026-01-01T00:00:00Z", data: #"{"buckets":[{"amount":"x"}]}"#))?.detail.contains("data.buckets[0].amount") == true)
        #expect(EventDecoder(maxRecordBytes: 10).decode(key: nil, value: Array(repeating: 0x20, count: 11)).failureCode == .tooLarge)
    }
}

extension Result where Failure == DeadLetterReason {
    var failureCode: DeadLetterReason.Code? {
        if case .failure(let reason) = self { return reason.code }
        return nil
    }
}
