import CampaignDomain

/// How fast a partition's store is rebuilt from changelog records: decode every member, put it in place, then
/// reschedule the timers, as a worker does on assignment (without the broker reads).
enum RestoreBench {
    struct Result {
        var records: Int
        var seconds: Double
        var bytesPerRecord: Double
    }

    static func run(members: Int, plans: [Plan]) -> Result {
        let engine = Engine(programme: Programme(), plans: plans, decisionsEnabled: true, enforcesLateness: false)
        var random = SplitMix64(seed: 17)
        var source = PartitionStore()
        var out: [OutputRecord] = []
        for member in 0..<members {
            var inputs = [BenchWorkload.enrolment(member, random: &random)]
            for extra in 0..<3 {
                let time = BenchWorkload.start.adding(seconds: Int64(random.below(30 * 86_400)))
                inputs.append(BenchWorkload.activity(member * 4 + extra, member: member, at: time, random: &random))
            }
            for bytes in inputs {
                guard case .success(let event) = engine.decode(InputRecord(topic: "a", partition: 0, offset: 0, key: nil, value: bytes)) else { continue }
                source.apply(event, now: BenchWorkload.start, engine: engine, into: &out)
            }
            out.removeAll(keepingCapacity: true)
        }
        let records = source.pendingChanges().compactMap { $0.state.map(MemberStateCodec.encode) }
        let bytes = records.reduce(0) { $0 + $1.count }

        let start = Measure.cpuSeconds()
        var restored = PartitionStore()
        for record in records {
            guard let member = try? MemberStateCodec.decode(record) else { continue }
            restored.restore(member, engine: engine)
        }
        restored.completeRestore(now: BenchWorkload.start, engine: engine)
        let seconds = Measure.cpuSeconds() - start
        withExtendedLifetime(restored) {}
        return Result(records: records.count, seconds: max(seconds, 1e-9), bytesPerRecord: Double(bytes) / Double(max(records.count, 1)))
    }
}
