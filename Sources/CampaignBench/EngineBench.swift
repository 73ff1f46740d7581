import CampaignDomain

/// Events per second through decode → apply → evaluate → encode on one thread, without Kafka.
enum EngineBench {
    struct Result {
        var events: Int
        var seconds: Double
        var decodeSeconds: Double
        var outputs: Int
    }

    /// A busy week: members already known (enrolled over the two years before, loaded untimed), then `events`
    /// orders, visits, points and profile updates within seven days, with the timers that fall due in that week.
    static func busyWeek(members: Int, events: Int, plans: [Plan]) -> Result {
        let workload = BenchWorkload.busyWeek(members: members, events: events)
        let engine = Engine(programme: Programme(), plans: plans)
        var store = PartitionStore()
        var out: [OutputRecord] = []
        for bytes in workload.enrolments {
            guard case .success(let event) = engine.decode(InputRecord(topic: "a", partition: 0, offset: 0, key: nil, value: bytes)) else { continue }
            store.apply(event, now: BenchWorkload.blackFridayWeek, engine: engine, into: &out)
            out.removeAll(keepingCapacity: true)
        }
        return measure(workload.activity, store: store, engine: engine, from: BenchWorkload.blackFridayWeek)
    }

    /// A year: enrolments and then activity over twelve months, so every time trigger fires along the way.
    static func year(members: Int, events: Int, plans: [Plan]) -> Result {
        measure(
            BenchWorkload.events(members: members, events: events), store: PartitionStore(), engine: Engine(programme: Programme(), plans: plans),
            from: BenchWorkload.start)
    }

    static func measure(_ inputs: [[UInt8]], store initial: PartitionStore, engine: Engine, from start: Instant) -> Result {
        // Decode alone, for the decode share.
        let decodeStart = ContinuousClock.now
        var decoded = 0
        for (offset, bytes) in inputs.enumerated() {
            if case .success = engine.decode(InputRecord(topic: "a", partition: 0, offset: Int64(offset), key: nil, value: bytes)) { decoded += 1 }
        }
        let decodeSeconds = Measure.seconds(ContinuousClock.now - decodeStart)
        precondition(decoded == inputs.count, "the workload has undecodable events")

        var store = initial
        var out: [OutputRecord] = []
        out.reserveCapacity(64)
        var outputs = 0
        var now = start
        let clockStart = ContinuousClock.now
        for (offset, bytes) in inputs.enumerated() {
            guard case .success(let event) = engine.decode(InputRecord(topic: "a", partition: 0, offset: Int64(offset), key: nil, value: bytes)) else { continue }
            if event.time > now { now = event.time }
            store.apply(event, now: now, engine: engine, into: &out)
            if offset & 1023 == 0 { store.fireDue(now: now, engine: engine, into: &out) }
            outputs += out.count
            out.removeAll(keepingCapacity: true)
        }
        let seconds = Measure.seconds(ContinuousClock.now - clockStart)
        withExtendedLifetime(store) {}
        return Result(events: inputs.count, seconds: seconds, decodeSeconds: decodeSeconds, outputs: outputs)
    }
}
