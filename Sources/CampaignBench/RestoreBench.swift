import CampaignDomain

/// How fast a partition's store is rebuilt from changelog records: decode every member, put it in place, then
/// reschedule the timers, as a worker does on assignment (without the broker reads).
enum RestoreBench {
    struct Result {
        var records: Int
        /// CPU seconds with every record written under the engine's plans: due times are kept (a restart, a rebalance).
        var seconds: Double
        /// CPU seconds with records written under other plans: every due time is computed again (after a plan change).
        var reschedulingSeconds: Double
        var bytesPerRecord: Double
    }

    static func run(members: Int, plans: [Plan]) -> Result {
        let engine = Engine(programme: Programme(), plans: plans, decisionsEnabled: true, enforcesLateness: false)
        var source = PartitionStore()
        BenchWorkload.loadMembers(members, seed: 17, engine: engine, into: &source)
        // One record per member, its latest state, as a compacted changelog holds.
        let ids = source.members.keys.sorted()
        let records = ids.compactMap { source.member($0).map { MemberStateCodec.encode($0, schedule: engine.scheduleFingerprint) } }
        let otherPlans = ScheduleFingerprint(value: engine.scheduleFingerprint.value ^ 1)
        let recordsUnderOtherPlans = ids.compactMap { source.member($0).map { MemberStateCodec.encode($0, schedule: otherPlans) } }
        let bytes = records.reduce(0) { $0 + $1.count }
        let seconds = restore(records, engine: engine, expectRescheduled: 0)
        let reschedulingSeconds = restore(recordsUnderOtherPlans, engine: engine, expectRescheduled: records.count)
        return Result(
            records: records.count, seconds: seconds, reschedulingSeconds: reschedulingSeconds,
            bytesPerRecord: Double(bytes) / Double(max(records.count, 1)))
    }

    /// CPU seconds to restore a store from `records`, checking every record decodes and how many were rescheduled.
    private static func restore(_ records: [[UInt8]], engine: Engine, expectRescheduled: Int) -> Double {
        let start = Measure.cpuSeconds()
        var restored = PartitionStore()
        var decoder = MemberStateCodec.Decoder()
        for record in records {
            guard let decoded = try? decoder.decode(record) else { fatalError("a benchmark changelog record does not decode") }
            restored.restore(decoded.member, schedule: decoded.schedule, engine: engine)
        }
        let rescheduled = restored.completeRestore(now: BenchWorkload.start, engine: engine)
        let seconds = Measure.cpuSeconds() - start
        precondition(rescheduled == expectRescheduled, "restore rescheduled \(rescheduled) members, expected \(expectRescheduled)")
        withExtendedLifetime(restored) {}
        return max(seconds, 1e-9)
    }
}
