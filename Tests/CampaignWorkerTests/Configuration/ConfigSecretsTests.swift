import CampaignDomain
import CampaignWorker
import Kafka
import TestSupport
import Testing

@Suite struct ConfigSecretsTests {
    func load(_ json: String, environment: [String: String] = [:]) throws(ConfigError) -> WorkerConfig {
        var config = try WorkerConfig.parse(Array(json.utf8), source: "worker.json")
        try config.applyEnvironmentOverrides(environment)
        try config.resolveKafkaReferences(environment: environment)
        return config
    }

    func problem(_ json: String, environment: [String: String] = [:]) -> String? {
        do {
            _ = try load(json, environment: environment)
            return nil
        } catch {
            return error.description
        }
    }

    @Test func referencesReadFilesAndEnvironmentVariables() throws {
        let directory = try TemporaryDirectory()
        let file = try directory.write("kafka-password", "s3cret-from-file\r\n\n")
        let config = try load(
            #"{"kafka":{"sasl.password":{"file":"\#(file)"},"sasl.username":{"env":"KAFKA_USER"}}}"#,
            environment: ["KAFKA_USER": "svc-campaign"])
        #expect(config.kafka["sasl.password"] == "s3cret-from-file", "trailing line breaks are not part of the secret")
        #expect(config.kafka["sasl.username"] == "svc-campaign")
        #expect(config.kafkaSources(environment: ["KAFKA_USER": "svc-campaign"]) == [
            "sasl.password": "file \(file)", "sasl.username": "environment variable KAFKA_USER",
        ])
    }

    @Test func anEnvironmentOverrideReplacesAReference() throws {
        let environment = ["CAMPAIGN_WORKER_KAFKA_SASL_PASSWORD": "from-env"]
        let config = try load(#"{"kafka":{"sasl.password":{"file":"/does/not/exist"}}}"#, environment: environment)
        #expect(config.kafka["sasl.password"] == "from-env")
        #expect(config.kafkaSources(environment: environment)["sasl.password"] == "environment variable CAMPAIGN_WORKER_KAFKA_SASL_PASSWORD")
        #expect(WorkerConfig.environmentVariable(forKafkaProperty: "ssl.key.password") == "CAMPAIGN_WORKER_KAFKA_SSL_KEY_PASSWORD")
    }

    @Test func unresolvableReferencesNameThePropertyAndTheSource() throws {
        let directory = try TemporaryDirectory()
        let empty = try directory.write("empty", "\n")
        #expect(problem(#"{"kafka":{"sasl.password":{"file":"/run/secrets/missing"}}}"#)
            == "kafka.sasl.password: secret file /run/secrets/missing does not exist (mount the secret or fix the path)")
        #expect(problem(#"{"kafka":{"sasl.password":{"env":"NOPE"}}}"#)
            == "kafka.sasl.password: environment variable NOPE is not set; set it or change the reference")
        #expect(problem(#"{"kafka":{"sasl.password":{"env":"EMPTY"}}}"#, environment: ["EMPTY": ""]) == "kafka.sasl.password: environment variable EMPTY is empty")
        #expect(problem(#"{"kafka":{"sasl.password":{"file":"\#(empty)"}}}"#) == "kafka.sasl.password: secret file \(empty) is empty")
        for bad in [#"{"file":1}"#, #"{"file":"a","env":"B"}"#, #"{}"#, #"{"file":""}"#] {
            #expect(problem(#"{"kafka":{"sasl.password":\#(bad)}}"#)?.contains("$.kafka.sasl.password: a reference is") == true, "\(bad)")
        }
        #expect(problem(#"{"kafka":{"sasl.password":{"path":"/x"}}}"#)?.contains("$.kafka.sasl.password.path: unknown key") == true)
        #expect(problem(#"{"kafka":{"sasl.password":["x"]}}"#)?.contains("not array") == true)
    }

    @Test func propertiesTheWorkerSetsItselfAreRefused() {
        #expect(problem(#"{"kafka":{"group.id":"other"}}"#)?.hasPrefix("kafka.group.id: set by the worker from groupId") == true)
        #expect(problem(#"{"kafka":{"group.instance.id":"pod-0"}}"#)?.contains("instanceId") == true)
        #expect(problem(#"{"kafka":{"transactional.id":"t"}}"#)?.contains("managed by the worker") == true)
        #expect(problem(#"{"kafka":{"enable.auto.commit":true}}"#)?.contains("break its guarantee") == true)
        #expect(problem(#"{"kafka":{"enable.auto.commit":false,"enable.auto.offset.store":"false"}}"#) == nil)
        #expect(problem("{}", environment: ["CAMPAIGN_WORKER_KAFKA_GROUP_ID": "x"])?.hasPrefix("kafka.group.id") == true)
    }

    @Test func secretPropertiesAreRecognisedByName() {
        let secret = [
            "sasl.password", "ssl.key.password", "ssl.key.pem", "ssl_key", "ssl.keystore.password", "sasl.kerberos.keytab",
            "sasl.jaas.config", "sasl.oauthbearer.config", "sasl.oauthbearer.client.secret", "sasl.oauthbearer.client.id",
            "sasl.oauthbearer.token.endpoint.url", "some.future.api.token", "SASL.PASSWORD", "aws.credentials",
        ]
        let shown = [
            "bootstrap.servers", "security.protocol", "sasl.mechanisms", "sasl.username", "ssl.ca.location",
            "ssl.key.location", "ssl.keystore.location", "ssl.certificate.location", "ssl.certificate.pem",
            "ssl.endpoint.identification.algorithm", "client.id", "linger.ms",
        ]
        for name in secret { #expect(KafkaSecrets.isSecret(name), "\(name)") }
        for name in shown { #expect(!KafkaSecrets.isSecret(name), "\(name)") }
    }

    @Test func librdkafkaProblemsNeverQuoteAValueUnlessAllowed() {
        let properties = ["linger.ms": "not-a-number-SECRET", "no.such.property": "x", "acks": "all"]
        let hidden = KafkaProperties.problems(in: properties)
        #expect(hidden.map(\.message) == [
            #"invalid value for configuration property "linger.ms""#, #"unknown configuration property "no.such.property""#,
        ])
        let explained = KafkaProperties.problems(in: properties, showingValues: { _ in true })
        #expect(explained[0].message.hasPrefix(#"invalid value for configuration property "linger.ms": "#))
        #expect(explained.allSatisfy { !$0.description.contains("SECRET") }, "the value is cut out of librdkafka's explanation")
    }

    @Test func theEffectiveConfigMasksSecretsAndLoadsBackToTheSameSettings() throws {
        let secret = "hunter2-the-secret"
        let config = try load(#"""
            {"kafka":{"bootstrap.servers":"k:9092","security.protocol":"SASL_SSL","sasl.mechanisms":"PLAIN",
                      "sasl.username":"u","sasl.password":"\#(secret)","ssl.ca.location":"/etc/ca.pem","linger.ms":7},
             "groupId":"g","instanceId":"pod-1","processingGuarantee":"at_least_once",
             "topics":{"activity":["a","b"],"plans":null,"couponJobs":"c","notificationJobs":"n","decisions":null,"deadLetters":"d"},
             "plans":{"path":"/plans"},"http":{"listen":"[::]:9000"},
             "programme":{"timeZone":"Europe/Berlin","tiers":["basic","vip"],"pointsExpiry":{"policy":"rolling","duration":"P12M"},
                          "maxLateness":"PT2H","caps":[{"channel":"sms","count":2,"within":"P1D"},{"channel":"*","count":5,"within":"P7D"}],
                          "activityTypes":["order.completed","member.activity"],"maxClockSkew":"PT10M"},
             "commitIntervalMs":250,"maxRecordBytes":4096,"processingThreads":5}
            """#)
        let effective = config.effectiveJSON()
        #expect(!effective.contains(secret))
        #expect(effective.contains(#""sasl.password":"********""#))
        #expect(effective.contains(#""ssl.ca.location":"/etc/ca.pem""#))
        let again = try load(effective)
        #expect(again.kafka == config.kafka.merging(["sasl.password": KafkaSecrets.mask]) { _, mask in mask })
        #expect(again.groupID == "g" && again.instanceID == "pod-1" && again.processingGuarantee == .atLeastOnce)
        #expect(again.topics == config.topics)
        #expect(again.plansPath == "/plans" && again.httpListen == "[::]:9000")
        #expect(again.programme.timeZone.identifier == "Europe/Berlin" && again.programme.tiers == ["basic", "vip"])
        #expect(again.programme.pointsExpiry == config.programme.pointsExpiry && again.programme.maxLateness == config.programme.maxLateness)
        #expect(again.programme.caps == config.programme.caps && again.programme.activityTypes == config.programme.activityTypes)
        #expect(again.programme.maxClockSkewSeconds == 600)
        #expect(again.commitIntervalMillis == 250 && again.maxRecordBytes == 4096 && again.processingThreads == 5)
        // The defaults print too, so an operator sees every value in force.
        #expect(try load("{}").effectiveJSON().contains(#""maxLateness":"PT6H""#))
    }
}
