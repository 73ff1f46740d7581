@testable import CampaignWorker
import Kafka
import Testing

/// While a commit runs the gate holds records back; a record whose bytes were only lent must be held as a copy.
@Suite struct TransactionGateTests {
    @Test func aLentRecordHeldDuringACommitIsKeptWhole() throws {
        let cluster = try MockKafkaCluster(brokers: 1, logHandler: { _, _, _ in })
        let producer = try KafkaProducer(properties: ["bootstrap.servers": cluster.bootstrapServers], logHandler: { _, _, _ in })
        let gate = TransactionGate(producer: producer, transactional: true, isOpen: true, holding: true)
        let headers = [KafkaHeader(key: "job-id", string: "j-1"), KafkaHeader(key: "null", value: nil), KafkaHeader(key: "empty", value: [])]
        var key: [UInt8] = Array("m-1".utf8)
        var value: [UInt8] = Array(#"{"a":1}"#.utf8)
        try key.withUnsafeMutableBytes { key in
            try value.withUnsafeMutableBytes { value in
                try gate.send(topic: "jobs", key: UnsafeRawBufferPointer(key), value: UnsafeRawBufferPointer(value), headers: headers)
                // The lender reuses its buffers at once: the held copy must not see it.
                key.initializeMemory(as: UInt8.self, repeating: 0)
                value.initializeMemory(as: UInt8.self, repeating: 0)
            }
        }
        try gate.send(topic: "jobs", key: nil, value: nil, headers: [KafkaHeader]())
        let held = gate.takeHeld()
        try #require(held.count == 2)
        #expect(held[0].topic == "jobs")
        #expect(held[0].key == Array("m-1".utf8))
        #expect(held[0].value == Array(#"{"a":1}"#.utf8))
        #expect(held[0].headers == headers)
        #expect(held[1].key == nil && held[1].value == nil && held[1].headers.isEmpty)
        #expect(gate.takeHeld().isEmpty, "the gate keeps none")
        #expect(producer.inFlightCount == 0, "nothing was sent while holding")
        withExtendedLifetime(cluster) {}
    }
}
