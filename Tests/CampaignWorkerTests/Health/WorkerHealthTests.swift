import CampaignWorker
import Kafka
import Testing

@Suite struct WorkerHealthTests {
    @Test func readyOnlyAfterJoiningAndRestoringAndUntilStopping() {
        let health = WorkerHealth()
        #expect(health.readiness == .notReady("waiting for a partition assignment from the consumer group"))
        health.joinedGroup()
        #expect(health.readiness == .ready)
        health.setRestoring([TopicPartition(topic: "member-activity", partition: 2)])
        #expect(health.readiness == .notReady("restoring state of 1 partition(s): member-activity-2"))
        health.setRestoring([])
        #expect(health.readiness == .ready)
        health.stopping()
        #expect(health.readiness == .notReady("stopping"))
    }

    @Test func aliveUntilTheLoopStallsLongerThanTheTimeout() throws {
        let health = WorkerHealth(stallTimeout: .seconds(120))
        let start = ContinuousClock.now
        #expect(health.stall(at: start + .seconds(3600)) == nil, "not looping yet is starting, not stalled")
        health.beat(at: start)
        #expect(health.stall(at: start + .seconds(120)) == nil)
        let stall = try #require(health.stall(at: start + .seconds(121)))
        #expect(stall == "the worker loop made no progress for 121 s (limit 120 s)")
        health.beat(at: start + .seconds(121))
        #expect(health.stall(at: start + .seconds(122)) == nil)
    }
}
