@testable import CampaignDomain
import Testing

/// The event decoder's scanned path (`EventDecoder.scanned`) against its general path (`parsed`): the scanned path may
/// decline a record, but whatever it decodes must be exactly what the general path decodes.
@Suite struct ScannedEventTests {
    static let head = #""specversion":"1.0","id":"e-1","source":"pos/42","subject":"m-1","time":"2026-11-25T10:15:00+08:00""#
    static let trace = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"

    /// One event of each shape the contract names, written the way producers write them.
    static let seeds: [String] = [
        #"{\#(head),"type":"order.completed","data":{"orderId":"o-77","amount":"199.00","currency":"CNY","pointsEarned":19,"storeId":"s-1","channel":"online"}}"#,
        #"{\#(head),"type":"order.completed","data":{"orderId":"o-78","amount":12.5}}"#,
        #"{\#(head),"type":"order.rejected","data":{"orderId":"o-77","amount":"199.00","pointsDeducted":"19"}}"#,
        #"{\#(head),"type":"order.refunded","data":{"orderId":"o-77"}}"#,
        #"{\#(head),"type":"member.enrolled","data":{"tier":"gold","birthday":"1992-02-29","timezone":"Asia/Shanghai","locale":"zh-CN","consents":{"sms":true,"push":false,"fax":true},"tags":["vip","北京"],"homeStore":"s-9"}}"#,
        #"{\#(head),"type":"member.enrolled","data":{"birthday":"--03-12"}}"#,
        #"{\#(head),"type":"member.updated","data":{"tagsAdd":["t1"],"tagsRemove":[],"consents":{"email":false},"tier":null}}"#,
        #"{\#(head),"type":"member.activity","data":{"kind":"visit"}}"#,
        #"{\#(head),"type":"member.activity"}"#,
        #"{\#(head),"type":"member.activity","data":null}"#,
        #"{\#(head),"type":"points.earned","data":{"amount":250,"expiresAt":"2027-11-30T23:59:59Z","reason":"campaign"}}"#,
        #"{\#(head),"type":"points.redeemed","data":{"amount":"100"}}"#,
        #"{\#(head),"type":"points.expired","data":{"amount":40,"expiresAt":"2026-11-30T16:00:00Z"}}"#,
        #"{\#(head),"type":"points.adjusted","data":{"amount":-15}}"#,
        #"{\#(head),"type":"points.snapshot","data":{"buckets":[{"amount":100,"expiresAt":"2027-01-31T16:00:00Z"},{"amount":5}]}}"#,
        #"{\#(head),"type":"tier.changed","data":{"from":"silver","to":"gold"}}"#,
        #"{\#(head),"type":"coupon.redeemed","data":{"couponId":"c-1","planId":"welcome","jobId":"j-1"}}"#,
        #"{\#(head),"type":"member.erased","data":{}}"#,
        #"{\#(head),"type":"store.opened","data":{"storeId":"s-1","extra":{"deep":[1,2,null],"flag":false}}}"#,
        #"{\#(head),"type":"member.activity","datacontenttype":"application/json","traceparent":"\#(trace)","data":{"kind":"review","rating":4.5e0}}"#,
        #"{\#(head),"type":"member.activity","traceparent":"not-a-trace","data":{"kind":"visit"}}"#,
        // `data` before other attributes, and before an object-valued extension: scanned again on its own.
        #"{"data":{"kind":"visit","n":1},\#(head),"type":"member.activity"}"#,
        #"{\#(head),"type":"points.earned","data":{"amount":7},"ext":{"a":{"b":true},"c":[1]},"z":"1"}"#,
        " \n{ \"specversion\" : \"1.0\" ,\t\"id\":\"e-2\",\"source\":\"s\",\"type\":\"member.activity\",\"subject\":\"m-1\",\"time\":\"2026-11-25T02:15:00.250Z\" , \"data\" : { \"kind\" : \"visit\" } }\r\n",
    ]

    /// The general path's result and the scanned path's, for one record.
    func bothPaths(_ value: [UInt8], key: [UInt8]? = Array("m-1".utf8), traceparent: String? = nil)
        -> (parsed: Result<ActivityEvent, DeadLetterReason>, scanned: ActivityEvent?)
    {
        let parsed: Result<ActivityEvent, DeadLetterReason>
        do {
            parsed = .success(try EventDecoder().parsed(key: key, value: value, traceparent: traceparent))
        } catch {
            parsed = .failure(error)
        }
        return (parsed, EventDecoder.scanned(key: key, value: value, traceparent: traceparent))
    }

    func expectSame(_ scanned: ActivityEvent, _ parsed: ActivityEvent, _ input: [UInt8]) {
        let text = String(decoding: input, as: UTF8.self)
        #expect(scanned.id == parsed.id, "\(text)")
        #expect(scanned.source == parsed.source, "\(text)")
        #expect(scanned.type == parsed.type, "\(text)")
        #expect(scanned.subject == parsed.subject, "\(text)")
        #expect(scanned.time == parsed.time, "\(text)")
        #expect(scanned.traceparent == parsed.traceparent, "\(text)")
        #expect(scanned.payload == parsed.payload, "\(text)")
        #expect(scanned.data == parsed.data, "\(text)")
    }

    @Test func scansEveryContractShapeAsTheParserReadsIt() throws {
        for seed in Self.seeds {
            let value = Array(seed.utf8)
            let (parsed, scanned) = bothPaths(value)
            let event = try parsed.get()
            // Each seed is in the subset the scanner reads: it must not leave the usual events to the slow path.
            let fast = try #require(scanned, "the scanner declined \(seed)")
            expectSame(fast, event, value)
        }
    }

    @Test func theRecordHeaderTraceWinsAndABadOneFallsBackToTheEnvelopes() throws {
        let value = Array(Self.seeds[19].utf8)
        let header = "00-11111111111111111111111111111111-2222222222222222-01"
        #expect(bothPaths(value, traceparent: header).scanned?.traceparent == header)
        #expect(bothPaths(value, traceparent: "garbage").scanned?.traceparent == Self.trace)
        #expect(bothPaths(Array(Self.seeds[20].utf8)).scanned.map { $0.traceparent == nil } == true)
    }

    @Test func leavesWhatItDoesNotReadToTheGeneralPath() {
        let declined = [
            // An escape in a string, a duplicate name, a non-ASCII name, nesting deeper than the scanner reads.
            #"{\#(Self.head),"type":"member.activity","data":{"kind":"vi\"sit"}}"#,
            #"{\#(Self.head),"type":"member.activity","data":{"kind":"visit","kind":"order"}}"#,
            #"{\#(Self.head),"type":"member.activity","data":{"kïnd":"visit"}}"#,
            #"{\#(Self.head),"type":"member.activity","data":{"a":{"b":{"c":{"d":1}}}}}"#,
            // Wrong in a way the general path words: a key that is not the subject, a bad time, a missing id.
            #"{\#(Self.head),"type":"points.earned","data":{"amount":"ten"}}"#,
            #"{"specversion":"1.0","id":"e-1","source":"s","type":"x","subject":"m-1","time":"yesterday"}"#,
            #"{"specversion":"1.0","source":"s","type":"x","subject":"m-1","time":"2026-11-25T10:15:00Z"}"#,
            #"{"specversion":"0.3","id":"e-1","source":"s","type":"x","subject":"m-1","time":"2026-11-25T10:15:00Z"}"#,
            #"{\#(Self.head),"type":"member.activity","data":"visit"}"#,
        ]
        for text in declined {
            let value = Array(text.utf8)
            #expect(EventDecoder.scanned(key: nil, value: value, traceparent: nil) == nil, "\(text)")
            // The decoder still answers through the general path.
            let (parsed, _) = bothPaths(value, key: nil)
            if case .success(let event) = parsed { #expect((try? EventDecoder().decode(key: nil, value: value).get())?.id == event.id) }
        }
        #expect(EventDecoder.scanned(key: Array("m-2".utf8), value: Array(Self.seeds[7].utf8), traceparent: nil) == nil)
    }

    @Test func conditionsReadTheSameValuesFromScannedBytesAsFromTheParsedObject() throws {
        let paths: [[String]] = [
            ["amount"], ["channel"], ["pointsEarned"], ["consents"], ["consents", "sms"], ["tags"], ["extra", "deep"],
            ["extra", "flag"], ["extra", "missing"], ["missing"], ["kind"], ["rating"], ["tier"], ["buckets"],
        ]
        var compared = 0
        for seed in Self.seeds {
            let value = Array(seed.utf8)
            let scanned = try #require(bothPaths(value).scanned)
            guard case .json = scanned.eventData else { continue }
            let parsed = EventData.object(scanned.data)
            for path in paths {
                #expect(scanned.eventData.value(at: path) == parsed.value(at: path), "\(path) in \(seed)")
                if parsed.value(at: path) != nil { compared += 1 }
            }
        }
        #expect(compared > 20)
    }

    /// One-byte changes of every seed (deleted, replaced with a byte that matters to JSON, or cut short there):
    /// the scanned path decodes only records the general path accepts, and decodes them identically.
    @Test func agreesWithTheParserOnEveryOneByteChange() {
        let replacements: [UInt8] = Array(#"{}[]":,\ 0-.eEtfnu"#.utf8) + [0x09, 0x0A, 0x00, 0x1F, 0x7F, 0xC3, 0xFF]
        var scannedCount = 0, checked = 0
        for seed in Self.seeds {
            let original = Array(seed.utf8)
            var variants: [[UInt8]] = []
            for position in original.indices {
                var deleted = original
                deleted.remove(at: position)
                variants.append(deleted)
                variants.append(Array(original[..<position]))
                // Three of the replacements at each position, a different three at the next: every byte is tried
                // at every seventh position or so, and the suite stays quick in a debug build.
                for offset in 0..<3 {
                    let byte = replacements[(position * 3 + offset) % replacements.count]
                    guard byte != original[position] else { continue }
                    var replaced = original
                    replaced[position] = byte
                    variants.append(replaced)
                }
            }
            for variant in variants {
                let (parsed, scanned) = bothPaths(variant)
                checked += 1
                guard let scanned else { continue }
                scannedCount += 1
                switch parsed {
                case .success(let event): expectSame(scanned, event, variant)
                case .failure(let reason):
                    Issue.record("scanned a record the parser rejects (\(reason)): \(String(decoding: variant, as: UTF8.self))")
                }
            }
        }
        // The changes that keep a record valid (a digit, a space, a letter in a value) still take the fast path.
        #expect(scannedCount > checked / 20, "\(scannedCount) of \(checked) variants scanned")
    }
}
