import CampaignDomain
import Testing

/// Nothing from a record reaches a dead letter's `dlq-detail` header unescaped or unbounded.
@Suite struct DeadLetterReasonTests {
    func detail(_ json: String) -> String? {
        if case .failure(let reason) = EventDecoder().decode(key: nil, value: Array(json.utf8)) { return reason.detail }
        return nil
    }

    static func hasControlCharacters(_ text: String) -> Bool {
        text.unicodeScalars.contains { $0.value < 0x20 || (0x7F...0x9F).contains($0.value) || $0.value == 0x2028 || $0.value == 0x2029 }
    }

    @Test func memberNamesFromTheRecordAreEscaped() throws {
        // A JSON member name may hold any character; the decoder names the member in its sentence.
        let consents = #"{"specversion":"1.0","id":"e","source":"s","type":"member.enrolled","subject":"m","time":"2026-03-01T00:00:00Z","data":{"consents":{"sms\r\nX-Forged: yes\u2028":"no"}}}"#
        let text = try #require(detail(consents))
        #expect(!Self.hasControlCharacters(text))
        #expect(text == #""data.consents.sms\u000d\u000aX-Forged: yes\u2028" must be true or false, not a string"#)
        let duplicate = "{\"a\\u0000\\u001b[31m\":1,\"a\\u0000\\u001b[31m\":2}"
        let escaped = try #require(detail(duplicate))
        #expect(!Self.hasControlCharacters(escaped))
        #expect(escaped.contains(#"duplicate member "a\u0000\u001b[31m""#))
    }

    @Test func detailsAreBounded() throws {
        let long = String(repeating: "k", count: 10_000)
        let json = #"{"specversion":"1.0","id":"e","source":"s","type":"member.enrolled","subject":"m","time":"2026-03-01T00:00:00Z","data":{"consents":{"\#(long)":1}}}"#
        let text = try #require(detail(json))
        #expect(text.count == DeadLetterReason.maxDetailLength + 1)
        #expect(text.hasSuffix("…"))
    }

    @Test func theSizeCapComesBeforeParsing() {
        // Over the cap, even a record that is not JSON is refused as too large: it is never parsed.
        let reason = EventDecoder(maxRecordBytes: 1024).decode(key: nil, value: Array(repeating: UInt8(ascii: "{"), count: 1025))
        #expect(reason.failureCode == .tooLarge)
        if case .failure(let failure) = reason { #expect(failure.detail == "the record is 1025 bytes, more than the 1024-byte limit") }
        // Nesting is bounded too, so a small record cannot exhaust the stack.
        let deep = String(repeating: "[", count: 100) + String(repeating: "]", count: 100)
        #expect(EventDecoder().decode(key: nil, value: Array(deep.utf8)).failureCode == .invalidJSON)
    }
}
