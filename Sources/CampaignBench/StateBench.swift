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
        var store = PartitionStore()
        var out: [OutputRecord] = []
        let before = Measure.residentBytes()
        let loadTime = BenchWorkload.start
        BenchWorkload.loadMembers(members, seed: 11, engine: engine, into: &store)
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
