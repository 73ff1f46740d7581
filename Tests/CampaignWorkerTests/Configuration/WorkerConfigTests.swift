import CampaignDomain
import CampaignWorker
import Foundation
import Testing

@Suite struct WorkerConfigTests {
    static let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().path

    func parse(_ json: String) throws(ConfigError) -> WorkerConfig {
        try WorkerConfig.parse(Array(json.utf8), source: "worker.json")
    }

    @Test func readsTheExampleConfig() throws {
        let config = try WorkerConfig.load(path: Self.repositoryRoot + "/examples/worker.json", environment: [:])
        #expect(config.kafka["bootstrap.servers"] == "localhost:9092")
        #expect(config.topics.activity == ["member-activity"])
        #expect(config.topics.decisions == "campaign-decisions")
        #expect(config.programme.timeZone.identifier == "Asia/Shanghai")
        #expect(config.programme.pointsExpiry == .endOfYearAfter(years: 1))
        #expect(config.programme.caps == [NotificationCap(channel: nil, count: 3, within: ISODuration("P7D")!)])
        #expect(config.plansPath == "examples/plans/")
    }

    @Test func defaultsWhenKeysAreAbsent() throws {
        let config = try parse("{}")
        #expect(config.groupID == "campaign-worker")
        #expect(config.topics.couponJobs == "coupon-jobs")
        #expect(config.topics.deadLetters == "member-activity.dlq")
        #expect(config.programme.maxLateness == ISODuration("PT6H"))
        #expect(config.processingGuarantee == .exactlyOnce)
        #expect(config.changelogTopic == "campaign-worker-member-state-changelog")
    }

    @Test func readsBothProcessingGuarantees() throws {
        #expect(try parse(#"{"processingGuarantee":"at_least_once"}"#).processingGuarantee == .atLeastOnce)
        #expect(try parse(#"{"processingGuarantee":"exactly_once","groupId":"g"}"#).processingGuarantee == .exactlyOnce)
        #expect(try parse(#"{"groupId":"g"}"#).changelogTopic == "g-member-state-changelog")
    }

    @Test func namesTheKeyAndTheFix() {
        #expect(throws: ConfigError.self) { try parse(#"{"programme":{"timeZone":"Mars/Base"}}"#) }
        do {
            _ = try parse(#"{"topicz":{}}"#)
            Issue.record("expected an error")
        } catch {
            #expect(error.description.contains("$.topicz"))
        }
        do {
            _ = try parse(#"{"processingGuarantee":"exactly-once"}"#)
            Issue.record("expected an error")
        } catch {
            #expect(error.description.contains("$.processingGuarantee"))
            #expect(error.description.contains("\"exactly_once\""))
        }
        do {
            _ = try parse(#"{"programme":{"caps":[{"channel":"fax","count":1,"within":"P1D"}],"pointsExpiry":{"policy":"rolling","duration":"12 months"}}}"#)
            Issue.record("expected an error")
        } catch {
            #expect(error.description.contains("caps[0].channel"))
            #expect(error.description.contains("pointsExpiry.duration"))
        }
    }

    @Test func processingThreadsDefaultToTheProcessorsAndAreChecked() throws {
        #expect(try parse("{}").processingThreads == min(ProcessInfo.processInfo.activeProcessorCount, 8))
        #expect(try parse(#"{"processingThreads":3}"#).processingThreads == 3)
        for bad in ["0", "65", "1.5", "\"2\""] {
            do {
                _ = try parse(#"{"processingThreads":"# + bad + "}")
                Issue.record("expected an error for \(bad)")
            } catch {
                #expect(error.description.contains("$.processingThreads"))
                #expect(error.description.contains("from 1 to 64"))
            }
        }
        var config = try parse("{}")
        try config.applyEnvironmentOverrides(["CAMPAIGN_WORKER_PROCESSING_THREADS": "4"])
        #expect(config.processingThreads == 4)
        #expect(throws: ConfigError.self) { try config.applyEnvironmentOverrides(["CAMPAIGN_WORKER_PROCESSING_THREADS": "many"]) }
    }

    @Test func environmentOverridesPerDeploymentValues() throws {
        var config = try parse(#"{"kafka":{"bootstrap.servers":"a:9092","linger.ms":5}}"#)
        try config.applyEnvironmentOverrides([
            "CAMPAIGN_WORKER_BOOTSTRAP_SERVERS": "kafka-0:9092,kafka-1:9092",
            "CAMPAIGN_WORKER_GROUP_ID": "loyalty-prod",
            "CAMPAIGN_WORKER_INSTANCE_ID": "campaign-worker-0",
            "CAMPAIGN_WORKER_ACTIVITY_TOPICS": "pos-activity, app-activity",
            "CAMPAIGN_WORKER_DECISIONS_TOPIC": "",
            "CAMPAIGN_WORKER_KAFKA_SASL_PASSWORD": "s3cret",
        ])
        #expect(config.kafka == ["bootstrap.servers": "kafka-0:9092,kafka-1:9092", "linger.ms": "5", "sasl.password": "s3cret"])
        #expect(config.groupID == "loyalty-prod")
        #expect(config.instanceID == "campaign-worker-0")
        #expect(config.topics.activity == ["pos-activity", "app-activity"])
        #expect(config.topics.decisions == nil)
        #expect(config.engine(plans: []).decisionsEnabled == false)
    }

    @Test func logLevelFromTheFileOrTheEnvironment() throws {
        #expect(try parse("{}").logLevel == .info)
        var config = try parse(#"{"logLevel":"warning"}"#)
        #expect(config.logLevel == .warning)
        try config.applyEnvironmentOverrides(["CAMPAIGN_WORKER_LOG_LEVEL": "debug"])
        #expect(config.logLevel == .debug)
        #expect(config.effectiveJSON().contains(#""logLevel":"debug""#))
        do {
            _ = try parse(#"{"logLevel":"verbose"}"#)
            Issue.record("expected an error")
        } catch {
            #expect(error.description.contains("$.logLevel"))
            #expect(error.description.contains("debug, info, warning or error"))
        }
        do {
            try config.applyEnvironmentOverrides(["CAMPAIGN_WORKER_LOG_LEVEL": "DEBUG"])
            Issue.record("expected an error")
        } catch {
            #expect(error.description.contains("CAMPAIGN_WORKER_LOG_LEVEL"))
            #expect(error.description.contains("not DEBUG"))
        }
    }
}
