import CampaignDomain

/// Events per second through decode → apply → evaluate → encode on one thread, without Kafka.
enum EngineBench {
    struct Result {
        var events: Int
        var seconds: Double
        var decodeSeconds: Double
        var outputs: Int
    }

    static func run(members: Int, events: Int, plans: [Plan]) -> Result {
        let inputs = BenchWorkload.events(members: members, events: events)
        let engine = Engine(programme: Programme(), plans: plans)
        // Decode alone, for the decode share.
        let decodeStart = ContinuousClock.now
        var decoded = 0
        for (offset, bytes) in inputs.enumerated() {
            if case .success = engine.decode(InputRecord(topic: "a", partition: 0, offset: Int64(offset), key: nil, value: bytes)) { decoded += 1 }
        }
        let decodeSeconds = Measure.seconds(ContinuousClock.now - decodeStart)
        precondition(decoded == inputs.count, "the workload has undecodable events")

        var store = PartitionStore()
        var out: [OutputRecord] = []
        out.reserveCapacity(64)
        var outputs = 0
        var now = BenchWorkload.start
        let start = ContinuousClock.now
        for (offset, bytes) in inputs.enumerated() {
            guard case .success(let event) = engine.decode(InputRecord(topic: "a", partition: 0, offset: Int64(offset), key: nil, value: bytes)) else { continue }
            if event.time > now { now = event.time }
            store.apply(event, now: now, engine: engine, into: &out)
            if offset & 1023 == 0 { store.fireDue(now: now, engine: engine, into: &out) }
            outputs += out.count
            out.removeAll(keepingCapacity: true)
        }
        let seconds = Measure.seconds(ContinuousClock.now - start)
        return Result(events: inputs.count, seconds: seconds, decodeSeconds: decodeSeconds, outputs: outputs)
    }
}
