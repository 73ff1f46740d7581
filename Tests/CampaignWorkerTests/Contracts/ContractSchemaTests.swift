import CampaignDomain
import CampaignWorker
import Foundation
import TestSupport
import Testing

/// The JSON Schemas in schemas/ against the examples in the docs and the repository, the worker's real output, and
/// the decoder and plan validator that enforce the same contract in code.
@Suite struct ContractSchemaTests {
    static let root = Repository.root

    /// Markdown files whose ```json examples must be valid and match their schema (or the config parser).
    static func documents() throws -> [String] {
        let docs = try FileManager.default.contentsOfDirectory(atPath: root + "/docs").filter { $0.hasSuffix(".md") }.map { "docs/" + $0 }
        return ["README.md", "deploy/README.md"] + docs.sorted()
    }

    /// The ```json blocks of a Markdown file, with their line numbers.
    static func jsonBlocks(_ file: String) throws -> [(line: Int, text: String)] {
        let lines = try String(contentsOfFile: root + "/" + file, encoding: .utf8).components(separatedBy: "\n")
        var blocks: [(Int, String)] = []
        var current: (start: Int, lines: [String])?
        for (index, line) in lines.enumerated() {
            if current == nil, line.trimmingCharacters(in: .whitespaces) == "```json" {
                current = (index + 1, [])
            } else if let open = current, line.trimmingCharacters(in: .whitespaces) == "```" {
                blocks.append((open.start, open.lines.joined(separator: "\n")))
                current = nil
            } else if current != nil {
                current!.lines.append(line)
            }
        }
        return blocks
    }

    @Test func everyJSONExampleInTheDocsIsValid() throws {
        var checked: [String: Int] = [:]
        for file in try Self.documents() {
            for block in try Self.jsonBlocks(file) {
                let place = "\(file):\(block.line)"
                let value: JSONValue
                do {
                    value = try JSONParser.parse(block.text)
                } catch {
                    Issue.record("\(place): a ```json example must be valid JSON (use ```text for sketches with …): \(error)")
                    continue
                }
                let object = value.objectValue ?? value.arrayValue?.first?.objectValue ?? JSONObject()
                do {
                    if object["specversion"] != nil {
                        try ContractSchemas.check(value, against: "activity-event.schema.json")
                        checked["event", default: 0] += 1
                    } else if object["schema"] != nil {
                        try ContractSchemas.checkOutput(object)
                        checked["output", default: 0] += 1
                    } else if object["trigger"] != nil, object["actions"] != nil {
                        try ContractSchemas.check(value, against: "plan.schema.json")
                        checked["plan", default: 0] += 1
                    } else if !Set(object.keys).isDisjoint(with: ["kafka", "groupId", "topics", "programme", "plans", "http"]) {
                        _ = try WorkerConfig.parse(Array(block.text.utf8), source: place)
                        checked["config", default: 0] += 1
                    } else {
                        Issue.record("\(place): a ```json example that is not an event, a job, a decision, a plan or a config")
                    }
                } catch {
                    Issue.record("\(place): \(error)")
                }
            }
        }
        // Guards against the scan silently finding nothing: the README and the docs hold examples of every kind.
        #expect(checked["event", default: 0] >= 1 && checked["output", default: 0] >= 3, "\(checked)")
        #expect(checked["plan", default: 0] >= 1 && checked["config", default: 0] >= 3, "\(checked)")
    }

    @Test func theExampleFilesMatchTheirSchemas() throws {
        let events = try String(contentsOfFile: Self.root + "/examples/events.jsonl", encoding: .utf8).split(separator: "\n")
        var valid = 0
        for (index, line) in events.enumerated() {
            guard let value = try? JSONParser.parse(String(line)) else { continue }
            let violations = try ContractSchemas.validator.validate(value, against: "activity-event.schema.json")
            #expect(violations.isEmpty, "examples/events.jsonl:\(index + 1): \(violations)")
            valid += 1
        }
        #expect(valid == events.count - 1, "every line but the one deliberately bad line is a valid event")
        for directory in ["examples/plans", "deploy/k8s/plans"] {
            for file in try FileManager.default.contentsOfDirectory(atPath: Self.root + "/" + directory) where file.hasSuffix(".json") {
                let data = try #require(FileManager.default.contents(atPath: "\(Self.root)/\(directory)/\(file)"))
                #expect(throws: Never.self, "\(directory)/\(file)") { try ContractSchemas.check(try JSONParser.parse(Array(data)), against: "plan.schema.json") }
            }
        }
    }

    @Test func everyRecordSimulateWritesForTheExamplesMatchesItsSchema() throws {
        let directory = try TemporaryDirectory()
        let out = directory.path + "/out.jsonl"
        let command = SimulateCommand(
            config: try WorkerConfig.load(path: Self.root + "/examples/worker.json", environment: [:]),
            plans: PlanLoader.load(path: Self.root + "/examples/plans").plans, eventsPath: Self.root + "/examples/events.jsonl",
            from: nil, until: Instant.at("2026-12-31T23:59:59+08:00"), outPath: out)
        _ = try command.run()
        var counts: [String: Int] = [:]
        for line in try String(contentsOfFile: out, encoding: .utf8).split(separator: "\n") {
            let record = try #require(try JSONParser.parse(String(line)).objectValue)
            guard let value = record["value"]?.objectValue else { continue }  // dead letters carry the original line
            try ContractSchemas.checkOutput(value)
            counts[value["schema"]?.stringValue ?? "", default: 0] += 1
        }
        #expect(counts["coupon-job/1", default: 0] > 0 && counts["notification-job/1", default: 0] > 0 && counts["decision/1", default: 0] > 0)
    }

    /// Events on both sides of the line: the schema accepts exactly what the decoder accepts.
    @Test func theEventSchemaAgreesWithTheDecoder() throws {
        func event(_ type: String, _ data: String, time: String = "2026-03-01T08:00:00+08:00") -> String {
            #"{"specversion":"1.0","id":"e-1","source":"pos","type":"\#(type)","subject":"m-1","time":"\#(time)","data":\#(data)}"#
        }
        let samples: [(String, Bool)] = [
            (event("member.enrolled", #"{"tier":"gold","birthday":"--03-12","timezone":"Asia/Shanghai","consents":{"sms":true,"fax":false},"tags":["a"]}"#), true),
            (event("member.enrolled", #"{"birthday":"1990-03-12","locale":null}"#), true),
            (event("member.enrolled", #"{"consents":{"sms":"yes"}}"#), false),
            (event("member.enrolled", #"{"tags":"vip"}"#), false),
            (event("member.updated", #"{"tagsAdd":["vip"],"tagsRemove":[]}"#), true),
            (event("order.completed", #"{"orderId":"o-1","amount":"199.00","pointsEarned":19}"#), true),
            (event("order.completed", #"{"orderId":"o-1","amount":199.5,"pointsEarned":"19"}"#), true),
            (event("order.completed", #"{"orderId":"o-1"}"#), false),
            (event("order.completed", #"{"orderId":"o-1","amount":"lots"}"#), false),
            (event("order.completed", #"{"orderId":"o-1","amount":"1.5e3"}"#), false),
            (event("order.completed", #"{"orderId":"o-1","amount":"1","pointsEarned":-1}"#), false),
            (event("order.refunded", #"{"orderId":"o-1","amount":"10.00","pointsDeducted":1}"#), true),
            (event("points.earned", #"{"amount":100,"expiresAt":"2027-12-31T16:00:00Z"}"#), true),
            (event("points.earned", #"{"amount":100,"expiresAt":"next year"}"#), false),
            (event("points.adjusted", #"{"amount":-50}"#), true),
            (event("points.redeemed", #"{"amount":-50}"#), false),
            (event("points.snapshot", #"{"buckets":[{"amount":10,"expiresAt":null}]}"#), true),
            (event("points.snapshot", #"{"buckets":[{"expiresAt":null}]}"#), false),
            (event("tier.changed", #"{"from":"silver","to":"gold"}"#), true),
            (event("tier.changed", #"{"from":"silver"}"#), false),
            (event("member.erased", "null"), true),
            (event("cart.abandoned", #"{"anything":[1,2,3]}"#), true),
            (event("member.activity", #"{"kind":"login"}"#, time: "2026-03-01 08:00"), false),
            (#"{"specversion":"1.0","id":"e-1","source":"pos","type":"member.activity","time":"2026-03-01T08:00:00Z"}"#, false),
            (#"{"specversion":"0.3","id":"e-1","source":"pos","type":"member.activity","subject":"m-1","time":"2026-03-01T08:00:00Z"}"#, false),
        ]
        for (json, valid) in samples {
            let decoded = EventDecoder().decode(key: nil, value: Array(json.utf8))
            let violations = try ContractSchemas.validator.validate(try JSONParser.parse(json), against: "activity-event.schema.json")
            #expect(((try? decoded.get()) != nil) == valid, "decoder on \(json)")
            #expect(violations.isEmpty == valid, "schema on \(json): \(violations)")
        }
    }

    /// Jobs and decisions that break the contract are caught: the output schemas are not vacuous.
    @Test func theOutputSchemasRejectBrokenRecords() throws {
        let job = #"{"schema":"notification-job/1","jobId":"6f1c2b9e-1a2b-8c3d-9e4f-0a1b2c3d4e5f","memberId":"m-1","plan":{"id":"p","version":1},"trigger":{"type":"birthday","occurrence":"2026","firedAt":"2026-03-12T01:00:00Z"},"notification":{"channel":"wechat","template":"t","locale":null,"params":{}},"sendAfter":"2026-03-12T01:00:00Z","createdAt":"2026-03-12T01:00:00Z"}"#
        let valid = try #require(try JSONParser.parse(job).objectValue)
        try ContractSchemas.checkOutput(valid)
        let broken = [
            job.replacingOccurrences(of: #""channel":"wechat""#, with: #""channel":"fax""#),
            job.replacingOccurrences(of: "-8c3d-", with: "-4c3d-"),
            job.replacingOccurrences(of: #","sendAfter":"2026-03-12T01:00:00Z""#, with: ""),
            job.replacingOccurrences(of: #""memberId":"m-1""#, with: #""memberId":"m-1","phone":"+86 138 0000 0000""#),
            job.replacingOccurrences(of: #""type":"birthday""#, with: #""type":"someday""#),
        ]
        for text in broken {
            #expect(throws: ContractSchemas.Mismatch.self, "\(text)") { try ContractSchemas.checkOutput(try JSONParser.parse(text).objectValue!) }
        }
        let decision = #"{"schema":"decision/1","memberId":"m-1","plan":{"id":"p","version":1},"trigger":{"type":"birthday","occurrence":"2026","firedAt":"2026-03-12T01:00:00Z"},"outcome":"fired","reason":"audience","jobIds":[],"createdAt":"2026-03-12T01:00:00Z"}"#
        #expect(throws: ContractSchemas.Mismatch.self, "fired with a reason and no jobs") {
            try ContractSchemas.checkOutput(try JSONParser.parse(decision).objectValue!)
        }
        let suppressed = decision.replacingOccurrences(of: #""outcome":"fired""#, with: #""outcome":"suppressed""#)
        try ContractSchemas.checkOutput(try #require(try JSONParser.parse(suppressed).objectValue))
    }

    /// The plan schema and the plan validator agree on the shapes this version supports.
    @Test func thePlanSchemaAgreesWithThePlanValidator() throws {
        let samples: [(String, Bool)] = [
            (#"{"id":"p","trigger":{"type":"birthday"},"actions":[{"type":"coupon","template":"T","validDays":30}]}"#, true),
            (#"{"id":"p","trigger":{"type":"dormancy","inactiveDays":[30,60]},"audience":{"all":[{"field":"tier","in":["gold"]},{"not":{"field":"tags","contains":"x"}}]},"actions":[{"type":"notify","channels":["sms"],"template":"T"}]}"#, true),
            (#"{"id":"p","trigger":{"type":"pointsExpiring","withinDays":7,"minPoints":100,"at":"10:00"},"actions":[{"type":"notify","channels":["push","sms"],"template":"T","params":{"a":"b"}}],"limits":{"perMember":{"count":1,"within":"P30D"}},"holdoutPercent":5.25}"#, true),
            (#"{"id":"p","trigger":{"type":"birthday","at":"9am"},"actions":[{"type":"coupon","template":"T","validDays":30}]}"#, false),
            (#"{"id":"p","trigger":{"type":"birthday"},"actions":[]}"#, false),
            (#"{"id":"p","trigger":{"type":"birthday"},"actions":[{"type":"coupon","template":"T"}]}"#, false),
            (#"{"id":"p","trigger":{"type":"birthday"},"actions":[{"type":"notify","channels":["fax"],"template":"T"}]}"#, false),
            (#"{"id":"p","trigger":{"type":"dormancy"},"actions":[{"type":"coupon","template":"T","validDays":1}]}"#, false),
            (#"{"id":"p","trigger":{"type":"birthday"},"audience":{"field":"tier","eq":"gold","ne":"x"},"actions":[{"type":"coupon","template":"T","validDays":1}]}"#, false),
            (#"{"id":"p","trigger":{"type":"birthday"},"actions":[{"type":"coupon","template":"T","validDays":1}],"colour":"red"}"#, false),
            (#"{"id":"p\r\nX-Forged: 1","trigger":{"type":"birthday"},"actions":[{"type":"coupon","template":"T","validDays":1}]}"#, false),
            (#"{"id":"p\u2028","trigger":{"type":"birthday"},"actions":[{"type":"coupon","template":"T","validDays":1}]}"#, false),
            (#"{"id":"生日礼-gold.v2","trigger":{"type":"birthday"},"actions":[{"type":"coupon","template":"T","validDays":1}]}"#, true),
            (#"{"id":"p","trigger":{"type":"birthday"},"actions":[{"type":"coupon","template":"T","validDays":1}],"limits":{"perMember":{"count":1,"within":"30 days"}}}"#, false),
        ]
        for (json, valid) in samples {
            let parsed = PlanParser().parse(Array(json.utf8), source: "sample")
            let violations = try ContractSchemas.validator.validate(try JSONParser.parse(json), against: "plan.schema.json")
            #expect(parsed.errors.isEmpty == valid, "validator on \(json): \(parsed.errors)")
            #expect(violations.isEmpty == valid, "schema on \(json): \(violations)")
        }
    }
}
