import CampaignDomain
import CampaignWorker
import Foundation
import TestSupport
import Testing

/// The config and plan files deploy/ ships (the Kubernetes ConfigMaps are generated from them, compose mounts them)
/// pass the worker's own config check and plan validator. scripts/check-deploy.py checks the manifests around them.
@Suite struct DeployFilesTests {
    static let plans = Repository.root + "/deploy/k8s/plans"

    @Test func theKubernetesConfigPassesConfigCheckWithItsSecretsSupplied() throws {
        // In the pod, KAFKA_USERNAME comes from the Secret and the password file is mounted; here the override stands in.
        let report = ConfigCheck(
            configPath: Repository.root + "/deploy/k8s/config/worker.json",
            environment: [
                "KAFKA_USERNAME": "campaign-worker", "CAMPAIGN_WORKER_KAFKA_SASL_PASSWORD": "not-the-real-one",
                "CAMPAIGN_WORKER_INSTANCE_ID": "campaign-worker-0", "CAMPAIGN_WORKER_PLANS_PATH": Self.plans,
            ]
        ).run()
        #expect(report.problems == [])
        let effective = try #require(report.effectiveConfig)
        #expect(effective.contains(#""security.protocol":"SASL_SSL""#))
        #expect(effective.contains(#""sasl.password":"********""#) && !effective.contains("not-the-real-one"))
    }

    @Test func theComposeConfigPassesConfigCheck() {
        let report = ConfigCheck(
            configPath: Repository.root + "/deploy/compose/worker.json", environment: ["CAMPAIGN_WORKER_PLANS_PATH": Self.plans]
        ).run()
        #expect(report.problems == [])
    }

    @Test func theShippedPlansAreValid() {
        let result = PlanLoader.load(path: Self.plans)
        #expect(result.errors.isEmpty, "\(result.errors)")
        #expect(result.plans.map(\.id) == ["birthday-gold", "points-expiring", "win-back"])
    }

    @Test func theFileReferencesOfTheKubernetesConfigPointIntoTheSecretMount() throws {
        // Read without resolving: the password must come from the mounted Secret, never from the file itself.
        let data = try #require(FileManager.default.contents(atPath: Repository.root + "/deploy/k8s/config/worker.json"))
        let config = try WorkerConfig.parse(Array(data), source: "worker.json")
        #expect(config.kafkaReferences == ["sasl.password": .file("/run/secrets/kafka/password"), "sasl.username": .environment("KAFKA_USERNAME")])
        #expect(config.kafka["sasl.password"] == nil)
    }
}
