import CampaignDomain
import CampaignWorker
import Foundation
import TestSupport
import Testing

@Suite struct ConfigCheckTests {
    static let plans = Repository.root + "/examples/plans"

    /// A SASL_SSL configuration as Confluent Cloud or Amazon MSK need it, with the password in a mounted secret file.
    static func saslSSL(_ directory: TemporaryDirectory, password: String) throws -> String {
        let secret = try directory.write("secrets/kafka-password", password + "\n")
        let ca = try directory.write("ca.pem", "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n")
        return try directory.write("worker.json", #"""
            {"kafka": {"bootstrap.servers": "b-1.kafka.example:9096,b-2.kafka.example:9096",
                       "security.protocol": "SASL_SSL", "sasl.mechanisms": "SCRAM-SHA-512",
                       "sasl.username": "campaign-worker", "sasl.password": {"file": "\#(secret)"},
                       "ssl.ca.location": "\#(ca)", "ssl.endpoint.identification.algorithm": "https"},
             "plans": {"path": "\#(plans)"}}
            """#)
    }

    @Test func acceptsASaslSslConfigAndMasksItsSecrets() throws {
        let directory = try TemporaryDirectory()
        let password = "Zm9vYmFy-very-secret"
        let path = try Self.saslSSL(directory, password: password)
        let report = ConfigCheck(configPath: path, environment: ["CAMPAIGN_WORKER_INSTANCE_ID": "campaign-worker-0"]).run()
        #expect(report.problems == [])
        let effective = try #require(report.effectiveConfig)
        #expect(!effective.contains(password) && !report.notes.joined().contains(password))
        let kafka = try #require(try JSONParser.parse(effective).objectValue?["kafka"]?.objectValue)
        #expect(kafka["sasl.password"]?.stringValue == "********")
        #expect(kafka["security.protocol"]?.stringValue == "SASL_SSL")
        #expect(kafka["sasl.username"]?.stringValue == "campaign-worker")
        #expect(effective.contains(#""instanceId":"campaign-worker-0""#))
        #expect(report.notes.contains("kafka.sasl.password from file \(directory.path)/secrets/kafka-password (masked)"))
        #expect(report.notes.contains("environment overrides applied: CAMPAIGN_WORKER_INSTANCE_ID"))
        #expect(report.notes.contains("3 plan(s) valid in \(Self.plans): birthday-gold, points-expiring, win-back"))
    }

    @Test func reportsEveryProblemNotJustTheFirst() throws {
        let directory = try TemporaryDirectory()
        let path = try directory.write("worker.json", #"""
            {"kafka": {"bootstrap.servers": "k:9092", "security.protocol": "SASL_SSLL", "no.such.thing": 1,
                       "sasl.password": {"env": "UNSET_PASSWORD"}},
             "plans": {"path": "\#(directory.path)/missing-plans"}}
            """#)
        let report = ConfigCheck(configPath: path, environment: ["CAMPAIGN_WORKER_GROUPID": "typo"]).run()
        #expect(report.problems.count == 4, "\(report.problems)")
        #expect(report.problems.contains("kafka.sasl.password: environment variable UNSET_PASSWORD is not set; set it or change the reference"))
        #expect(report.problems.contains { $0.hasPrefix(#"kafka: invalid value for configuration property "security.protocol": "#) })
        #expect(report.problems.contains(#"kafka: unknown configuration property "no.such.thing""#))
        #expect(report.problems.contains { $0.hasPrefix("plans.path: \(directory.path)/missing-plans") })
        #expect(report.notes.contains("warning: CAMPAIGN_WORKER_GROUPID is not a campaign-worker setting and is ignored; is it a typo?"))
        #expect(report.effectiveConfig != nil, "the rest of the configuration is still shown")
    }

    @Test func refusesUnreadableOrInvalidFilesAndAMissingPlansPath() throws {
        let directory = try TemporaryDirectory()
        #expect(ConfigCheck(configPath: directory.path + "/nope.json", environment: [:]).run().problems
            == ["\(directory.path)/nope.json: cannot read the config file; check the path and permissions"])
        let broken = try directory.write("broken.json", #"{"groupId": "#)
        #expect(ConfigCheck(configPath: broken, environment: [:]).run().problems.first?.hasPrefix("\(broken): invalid JSON") == true)
        let noPlans = try directory.write("no-plans.json", #"{"topics": {"plans": null}}"#)
        #expect(ConfigCheck(configPath: noPlans, environment: [:]).run().problems
            == ["plans.path: not set and topics.plans is null; run needs a plan file or directory (or CAMPAIGN_WORKER_PLANS_PATH) or a plans topic"])
        #expect(ConfigCheck(configPath: noPlans, environment: ["CAMPAIGN_WORKER_PLANS_PATH": Self.plans]).run().isValid)
        let topicOnly = ConfigCheck(configPath: try directory.write("topic.json", "{}"), environment: [:]).run()
        #expect(topicOnly.isValid && topicOnly.notes.contains("plans come from the plans topic campaign-plans only (no plans.path)"))
    }

    @Test func theCommandPrintsTheEffectiveConfigAndExitsByTheVerdict() throws {
        let directory = try TemporaryDirectory()
        let password = "cli-secret-value"
        let good = try CLIProcess.run(["config", "check", "--config", try Self.saslSSL(directory, password: password)])
        #expect(good.status == 0, "\(good.standardError)")
        #expect(try JSONParser.parse(good.standardOutput).objectValue?["kafka"]?.objectValue?["sasl.password"]?.stringValue == "********")
        #expect(!good.standardOutput.contains(password) && !good.standardError.contains(password))
        #expect(good.standardError.hasSuffix("configuration OK: run can start with \(directory.path)/worker.json\n"))

        let bad = try CLIProcess.run(["config", "check", "--config", try directory.write("bad.json", #"{"commitIntervalMs": 0}"#)])
        #expect(bad.status == 1)
        #expect(bad.standardOutput.isEmpty)
        #expect(bad.standardError.contains("$.commitIntervalMs: must be a whole number of milliseconds from 1 to 60000"))

        #expect(try CLIProcess.run(["config", "check"]).status == 2, "missing --config is a usage error")
        #expect(try CLIProcess.run(["config", "show", "--config", "x"]).status == 2)
    }
}

extension ConfigCheckTests {
    @Test func invalidPlansAreWarningsWhenTheWorkerWouldSkipThem() throws {
        let directory = try TemporaryDirectory()
        try directory.write("plans/good.json", #"{"id":"good","trigger":{"type":"birthday"},"actions":[{"type":"coupon","template":"T","validDays":1}]}"#)
        // Valid but for a tier the programme does not have: config check passes the programme's tiers to the validator.
        try directory.write("plans/bad.json", #"{"id":"bad","trigger":{"type":"tierChanged","direction":"up","to":["bronze"]},"actions":[{"type":"coupon","template":"T","validDays":1}]}"#)
        let strict = try directory.write("strict.json", #"{"plans":{"path":"\#(directory.path)/plans"}}"#)
        let report = ConfigCheck(configPath: strict, environment: [:]).run()
        #expect(report.problems.count == 1 && report.problems[0].hasPrefix("plans.path: \(directory.path)/plans/bad.json"))
        #expect(report.problems.first?.contains("bronze") == true, "\(report.problems)")
        let lenient = try directory.write("lenient.json", #"{"plans":{"path":"\#(directory.path)/plans","skipInvalidAtStart":true}}"#)
        let skipped = ConfigCheck(configPath: lenient, environment: [:]).run()
        #expect(skipped.isValid)
        #expect(skipped.notes.contains { $0.hasPrefix("warning: plans.path: \(directory.path)/plans/bad.json") })
    }
}
