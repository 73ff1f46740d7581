import CampaignDomain

/// The drills `make test` (short) and `make drills` (full) run.
///
/// Each membership change costs about 6 wall seconds on tansu (its group joins answer late), and a worker must get
/// every event before that member's next timer: at most 23 virtual hours late (see `DrillWorkload`), which is 11.5
/// wall seconds at ×7200, 23 at ×3600 and 46 at ×1800. So the drills run at ×3600 or slower, and kill points are at
/// least 9.6 s apart (a restart takes about 7 s to rejoin and restore).
enum DrillPlan {
    /// At least 3 kill points and one scale-out, in about a minute and a half.
    static func short(seed: UInt64) -> [Drill] {
        var random = DrillRandom(seed: seed)
        return [
            Drill(
                name: "kill-and-scale-out", days: 4, members: 40, clockRate: 3600, seed: seed,
                schedule: [(0, .start("worker-1"))]
                    + killPoints(count: 3, from: 10, to: 46, instance: "worker-1", rate: 3600, days: 4, random: &random)
                    + [(58, .start("worker-2"))])
        ]
    }

    /// At least 20 kill points, the whole 1 → 3 → 2 → 1 scaling sequence and a broker pause (exactly_once), and 12 kill
    /// points at_least_once.
    static func full(seed: UInt64) -> [Drill] {
        var random = DrillRandom(seed: seed)
        return [
            Drill(
                name: "kill-9", days: 11, members: 80, clockRate: 3600, seed: seed,
                schedule: [(0, .start("worker-1"))]
                    + killPoints(count: 22, from: 10, to: 252, instance: "worker-1", rate: 3600, days: 11, random: &random)),
            Drill(
                name: "scale-1-3-2-1", days: 5, members: 80, clockRate: 3600, seed: seed &+ 1,
                schedule: [
                    (0, .start("worker-1")), (20, .start("worker-2")), (20.5, .start("worker-3")), (55, .stop("worker-3")),
                    (85, .stop("worker-2")),
                ], staticMembership: false),
            Drill(
                // ×1800: after a pause tansu can take half a minute of rebalancing to hand every partition out again.
                name: "broker-pause", days: 3, members: 60, clockRate: 1800, seed: seed &+ 2,
                schedule: [(0, .start("worker-1")), (0.5, .start("worker-2")), (40, .pauseBroker(seconds: 10))]),
            Drill(
                name: "kill-9-at-least-once", days: 6, members: 60, clockRate: 3600, seed: seed &+ 3,
                schedule: [(0, .start("worker-1"))]
                    + killPoints(count: 12, from: 10, to: 132, instance: "worker-1", rate: 3600, days: 6, random: &random),
                guarantee: .atLeastOnce),
        ]
    }

    /// `count` kill points spread over [from, to] wall seconds, each in its own slot.
    ///
    /// Every other one lands 20–150 ms after the worker's clock reaches a zone's 09:00, when its timers fire and a
    /// transaction with their jobs is open; the others fall anywhere in their slot. (On a `rate`× timeline starting
    /// at `DrillWorkload.start`, virtual instant v is at wall second (v − start) / rate after the anchor.)
    static func killPoints(
        count: Int, from: Double, to: Double, instance: String, rate: Double, days: Int, random: inout DrillRandom
    ) -> [(at: Double, action: Drill.Action)] {
        let firings = (0...days).flatMap { day in
            DrillWorkload.zones.compactMap(Zone.init(identifier:)).map { zone in
                let instant = zone.instant(of: LocalDate(year: 2026, month: 1, day: 1).adding(days: day), at: LocalTime(hour: 9, minute: 0))
                return Double(instant.epochMillis - DrillWorkload.start.epochMillis) / 1000 / rate
            }
        }.sorted()
        let slot = (to - from) / Double(count)
        return (0..<count).map { index in
            let start = from + Double(index) * slot
            if index % 2 == 1, let firing = firings.first(where: { $0 >= start && $0 <= start + slot * 0.5 }) {
                return (firing + 0.02 + Double(random.below(130)) / 1000, .killAndRestart(instance))
            }
            let jitter = Double(random.below(1000)) / 1000 * slot * 0.2
            return (start + jitter, .killAndRestart(instance))
        }
    }
}
