import CampaignDomain
import CampaignWorker
import Kafka
import TestSupport
import Testing

/// What an attacker controls — event contents — never reaches logs or headers unescaped; secrets never reach logs;
/// TLS/SASL settings reach librdkafka as given.
@Suite(.serialized, .timeLimit(.minutes(2))) struct SecurityIntegrationTests {
    static let secret = "S3CRET-password-7f3a"
    static let payloadMarker = "PAYLOAD-MARKER-91c2"

    @Test func hostileEventsAndSecretsNeverReachLogsOrHeadersRaw() throws {
        var events = EventFactory()
        let logs = LogLines()
        let harness = try WorkerHarness(plans: [PlanFactory.birthday()], start: Instant.at("2026-03-01T00:00:00Z"), partitions: 1, logger: logs.logger) {
            // SASL and TLS settings pass through to every client; PLAINTEXT keeps the mock cluster reachable, and
            // librdkafka's own configuration dump (debug=conf) must redact the password.
            $0.kafka.merge([
                "sasl.mechanisms": "SCRAM-SHA-512", "sasl.username": "campaign-worker", "sasl.password": Self.secret,
                "ssl.endpoint.identification.algorithm": "https", "debug": "conf",
            ]) { _, new in new }
            $0.maxRecordBytes = 2048
        }
        let hostile = [
            // A member name with CR/LF and a forged header line, inside a consents object the decoder names.
            #"{"specversion":"1.0","id":"e-1","source":"s","type":"member.enrolled","subject":"m-1","time":"2026-03-01T00:00:00Z","data":{"consents":{"sms\r\nX-Forged: 1":"\#(Self.payloadMarker)"}}}"#,
            // Escapes that would colour a terminal or start a new JSON log line if written raw.
            #"{"specversion":"1.0","id":"e-2\u001b[31m","source":"s\n{\"level\":\"error\"}","type":"order.completed","subject":"m-1","time":"2026-03-01T00:00:00Z","data":{"orderId":"\#(Self.payloadMarker)","amount":"\u0007lots"}}"#,
            // Too large: dead-lettered without being parsed.
            events.event("member.activity", "m-1", at: "2026-03-01T08:00:00+08:00", data: #"{"kind":"\#(String(repeating: "x", count: 3000))\#(Self.payloadMarker)"}"#),
            // A valid event whose data carries the marker and a bogus traceparent: applied, marker never logged, trace dropped.
            #"{"specversion":"1.0","id":"e-4","source":"s","type":"member.enrolled","subject":"m-1","time":"2026-03-01T00:00:00Z","traceparent":"00-zz\r\nX: 1","data":{"tier":"gold","birthday":"1990-03-02","tags":["\#(Self.payloadMarker)"]}}"#,
        ]
        try harness.produce(hostile, keys: ["m-1", "m-1", "m-1", "m-1"], headers: [[], [], [], [KafkaHeader(key: "traceparent", string: "not-a-trace\r\nX: 1")]])
        try harness.waitForConsumed(4)
        try harness.waitForProduced(.deadLetters, atLeast: 3)
        harness.clock.set(Instant.at("2026-03-02T02:00:00Z"))
        try harness.waitForProduced(.couponJobs, atLeast: 1)

        let dead = try harness.read("member-activity.dlq", partitions: 1, atLeast: 3)
        #expect(dead.compactMap { $0.headers.first { $0.key == "dlq-reason" }?.value }.map { String(decoding: $0, as: UTF8.self) }
            == ["invalid-field", "invalid-field", "too-large"])
        for record in dead + (try harness.read("coupon-jobs", partitions: 1, atLeast: 1)) {
            for header in record.headers {
                let value = try #require(header.value)
                #expect(value.allSatisfy { $0 >= 0x20 && $0 != 0x7F }, "header \(header.key) carries a control byte: \(String(decoding: value, as: UTF8.self))")
            }
            #expect(!record.headers.contains { $0.key == "traceparent" }, "a malformed traceparent is never copied")
            #expect(!record.headers.contains { $0.key.lowercased() == "x-forged" })
        }

        let lines = logs.all
        #expect(lines.contains { $0.contains(#""event":"record.dead_lettered""#) })
        let configurationDumps = lines.filter { $0.contains("sasl.mechanisms = SCRAM-SHA-512") }
        #expect(configurationDumps.count >= 3, "admin, producer and consumer each received the SASL settings")
        #expect(lines.contains { $0.contains("sasl.password = [redacted]") })
        for line in lines {
            #expect(!line.contains(Self.secret), "a log line carries the password")
            #expect(!line.contains(Self.payloadMarker), "a log line carries event data")
            #expect(!line.contains("\n") && !line.contains("\r"), "a log line is one line")
            let object = try JSONParser.parse(line).objectValue
            #expect(object?["event"]?.stringValue != nil, "every log line is a JSON object with an event")
        }
    }
}
