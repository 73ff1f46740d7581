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
        var source = PartitionStore()
        BenchWorkload.loadMembers(members, seed: 17, engine: engine, into: &source)
        // One record per member, its latest state, as a compacted changelog holds.
        let records = source.members.keys.sorted().compactMap { source.member($0).map(MemberStateCodec.encode) }
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
