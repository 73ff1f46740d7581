// swift-tools-version:6.0
import PackageDescription

let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
]

let package = Package(
    name: "campaign-worker",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "campaign-worker", targets: ["CampaignWorkerCLI"]),
        .executable(name: "campaign-drills", targets: ["CampaignDrills"]),
        .executable(name: "campaign-bench", targets: ["CampaignBench"]),
    ],
    targets: [
        // librdkafka >= 2.8 from the system (see scripts/ensure-librdkafka.sh).
        .systemLibrary(
            name: "CRdKafka",
            pkgConfig: "rdkafka",
            providers: [.apt(["librdkafka-dev"])]
        ),
        // The Swift Kafka layer: owns every rd_kafka_* call.
        .target(name: "Kafka", dependencies: ["CRdKafka"], swiftSettings: swiftSettings),
        // Pure domain: events, member state, plans, triggers, evaluation. No Kafka, no I/O, no clock reads.
        .target(name: "CampaignDomain", swiftSettings: swiftSettings),
        // The worker runtime that wires Kafka, the domain and the clock together.
        .target(name: "CampaignWorker", dependencies: ["Kafka", "CampaignDomain"], swiftSettings: swiftSettings),
        .executableTarget(name: "CampaignWorkerCLI", dependencies: ["CampaignWorker"], swiftSettings: swiftSettings),
        // Black-box exactly-once drills: real worker processes against a real broker (tansu in `make test`).
        .executableTarget(name: "CampaignDrills", dependencies: ["Kafka", "CampaignDomain"], swiftSettings: swiftSettings),
        // Benchmarks (make bench, release mode); not tests.
        .executableTarget(name: "CampaignBench", dependencies: ["CampaignWorker", "CampaignDomain", "Kafka"], swiftSettings: swiftSettings),
        // Shared test fixtures: event builders, plan builders, virtual clock helpers, mock cluster helpers.
        .target(name: "TestSupport", dependencies: ["CampaignDomain", "CampaignWorker", "Kafka"], swiftSettings: swiftSettings),
        .testTarget(name: "CampaignDomainTests", dependencies: ["CampaignDomain", "TestSupport"], swiftSettings: swiftSettings),
        .testTarget(name: "KafkaTests", dependencies: ["Kafka", "TestSupport"], swiftSettings: swiftSettings),
        .testTarget(
            name: "CampaignWorkerTests",
            dependencies: ["CampaignWorker", "CampaignDomain", "Kafka", "TestSupport"],
            swiftSettings: swiftSettings
        ),
        .testTarget(name: "CampaignDrillsTests", dependencies: ["CampaignDrills", "CampaignDomain", "TestSupport"], swiftSettings: swiftSettings),
    ],
    swiftLanguageModes: [.v6]
)
