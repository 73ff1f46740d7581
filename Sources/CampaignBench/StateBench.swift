import CampaignDomain

/// Memory per member with many members loaded, and the CPU time to run a year of time triggers for them.
enum StateBench {
    struct Result {
        var members: Int
        var bytesPerMember: Double
        var yearCPUSeconds: Double
        var jobs: Int
        var decisions: Int
    }

    /// Members with a profile, tags, a birthday, activity and a few points buckets; then a simulated year.
    static func run(members: Int, plans: [Plan]) -> Result {
        let engine = Engine(programme: Programme(), plans: plans, decisionsEnabled: true, enforcesLateness: false)
        var random = SplitMix64(seed: 11)
        var store = PartitionStore()
        var out: [OutputRecord] = []
        let before = Measure.residentBytes()
        let loadTime = BenchWorkload.start
        for member in 0..<members {
            var inputs = [BenchWorkload.enrolment(member, random: &random)]
            for extra in 0..<3 {
                let time = loadTime.adding(seconds: Int64(random.below(30 * 86_400)))
                inputs.append(BenchWorkload.activity(member * 4 + extra, member: member, at: time, random: &random))
            }
            for bytes in inputs {
                guard case .success(let event) = engine.decode(InputRecord(topic: "a", partition: 0, offset: 0, key: nil, value: bytes)) else { continue }
                store.apply(event, now: loadTime, engine: engine, into: &out)
            }
            out.removeAll(keepingCapacity: true)
            // The worker checkpoints at every commit, which forgets the pre-images kept for a rollback.
            if member % 1_000 == 999 { store.checkpoint() }
        }
        store.checkpoint()
        let bytesPerMember = Double(Measure.residentBytes() - before) / Double(members)

        var jobs = 0, decisions = 0
        let cpuStart = Measure.cpuSeconds()
        var now = loadTime
        let end = loadTime.adding(seconds: BenchWorkload.year)
        while now < end {
            now = now.adding(seconds: 3600)
            store.fireDue(now: now, engine: engine, into: &out)
            for record in out {
                switch record.role {
                case .couponJobs, .notificationJobs: jobs += 1
                case .decisions: decisions += 1
                case .deadLetters: break
                }
            }
            out.removeAll(keepingCapacity: true)
        }
        let cpu = Measure.cpuSeconds() - cpuStart
        withExtendedLifetime(store) {}
        return Result(members: members, bytesPerMember: bytesPerMember, yearCPUSeconds: cpu, jobs: jobs, decisions: decisions)
    }
}
