import CampaignDomain
import CampaignWorker
import Synchronization
import Testing

@Suite struct LogEscapingTests {
    @Test func aFieldValueCannotBreakTheLineOrForgeAField() throws {
        let lines = Mutex<[String]>([])
        let logger = Logger(minimumLevel: .info) { line in lines.withLock { $0.append(line) } }
        let hostile = "x\",\"level\":\"error\"}\n{\"event\":\"forged\u{1B}[2J\u{2028}"
        logger.warning("record.dead_lettered", [("reason", .string(hostile)), ("tags", .strings([hostile]))])
        let written = lines.withLock { $0 }
        #expect(written.count == 1)
        let line = try #require(written.first)
        #expect(!line.contains("\n") && !line.unicodeScalars.contains { $0.value < 0x20 })
        let object = try #require(try JSONParser.parse(line).objectValue)
        #expect(object["level"]?.stringValue == "warning")
        #expect(object["event"]?.stringValue == "record.dead_lettered")
        #expect(object["reason"]?.stringValue == hostile, "the value survives, escaped")
    }
}
