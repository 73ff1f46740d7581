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
        // Key, value and the job id one after another in one buffer, lent as the worker lends a record's parts.
        var lent: [UInt8] = Array(#"m-1{"a":1}j-1"#.utf8)
        try lent.withUnsafeMutableBytes { buffer in
            let bytes = UnsafeRawBufferPointer(buffer)
            let values: [UnsafeRawBufferPointer?] = [
                UnsafeRawBufferPointer(rebasing: bytes[10..<13]), nil, UnsafeRawBufferPointer(rebasing: bytes[13..<13]),
            ]
            try values.withUnsafeBufferPointer { values throws(KafkaError) in
                try gate.send(
                    topic: "jobs", key: UnsafeRawBufferPointer(rebasing: bytes[0..<3]), value: UnsafeRawBufferPointer(rebasing: bytes[3..<10]),
                    headerNames: headers.map(\.key), headerValues: values)
            }
            // The lender reuses its buffer at once: the held copy must not see it.
            buffer.initializeMemory(as: UInt8.self, repeating: 0)
        }
        try gate.send(topic: "jobs", key: nil, value: nil, headerNames: [], headerValues: UnsafeBufferPointer(start: nil, count: 0))
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
