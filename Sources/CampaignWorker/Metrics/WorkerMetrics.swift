import CampaignDomain
import Kafka
import Synchronization

/// The worker's Prometheus metrics, and the calls the worker loop makes to keep them current.
///
/// Label values come from configuration (plan ids, topic names), from closed sets (outcomes, reasons, channels) or
/// from the event types this worker knows; an unknown event type is counted as `other`, so nothing a producer writes
/// can create new series. Every metric is documented in docs/OPERATIONS.md.
///
/// Thread-safe. The worker thread records; the HTTP thread renders `registry`.
public final class WorkerMetrics: Sendable {
    public let registry = MetricsRegistry()

    let eventsConsumed: Counter
    let deadLetters: Counter
    let recordsProduced: Counter
    let jobsEmitted: Counter
    let decisions: Counter
    let suppressions: Counter
    let timersFired: Counter
    let timersPending: Gauge
    let members: Gauge
    let heldNotificationJobs: Gauge
    let restoreRemaining: Gauge
    let consumerLag: Gauge
    let transactions: Counter
    let eventToJob: Histogram
    let planReloads: Counter
    let planRejections: Counter
    let plans: Gauge
    let assignedPartitions: Gauge
    let offsetCommits: Counter

    /// Trigger types whose occurrences are scheduled on the clock (CONTRACT §3), as opposed to fired by an event.
    /// An array, not a set: compared with `==`, these short literals cost less than hashing the trigger type.
    static let timeTriggers = ["birthday", "dormancy", "pointsExpiring", "anniversary", "enrolled", "recurring"]

    /// Upper bounds of the event-to-job latency buckets, in seconds: sub-second for event-driven jobs, up to the
    /// default `maxLateness` (6 h) for jobs fired late after downtime.
    static let latencyBuckets: [Double] = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 15, 60, 300, 900, 3600, 21_600]

    /// When the timers-pending gauge was last counted, and how long counting took (it walks every member).
    private let pendingCount = Mutex<(at: ContinuousClock.Instant?, took: Duration)>((nil, .zero))

    public init() {
        let r = registry
        eventsConsumed = r.counter(
            "campaign_worker_events_consumed_total",
            help: "Input records consumed, by CloudEvents type (other: a type this worker ignores; invalid: not decodable) and outcome.",
            labels: ["type", "outcome"])
        deadLetters = r.counter(
            "campaign_worker_dead_letters_total", help: "Input records sent to the dead-letter topic, by dlq-reason.",
            labels: ["reason"])
        recordsProduced = r.counter(
            "campaign_worker_records_produced_total", help: "Records handed to the producer, by output topic.",
            labels: ["topic"])
        jobsEmitted = r.counter(
            "campaign_worker_jobs_emitted_total",
            help: "Coupon and notification jobs emitted, by plan, topic and channel (none for coupon jobs).",
            labels: ["plan", "topic", "channel"])
        decisions = r.counter(
            "campaign_worker_decisions_total", help: "Plan occurrences evaluated for a member, by plan and outcome (fired, suppressed).",
            labels: ["plan", "outcome"])
        suppressions = r.counter(
            "campaign_worker_suppressions_total",
            help: "Suppressions by plan and reason; scope occurrence: nothing was sent, action: one action of a fired occurrence.",
            labels: ["plan", "reason", "scope"])
        timersFired = r.counter(
            "campaign_worker_timers_fired_total", help: "Time-trigger occurrences that came due and were evaluated, by plan and trigger type.",
            labels: ["plan", "trigger"])
        timersPending = r.gauge(
            "campaign_worker_timers_pending", help: "Members with a scheduled time trigger, by input partition (recounted at most every few seconds).",
            labels: ["partition"])
        members = r.gauge("campaign_worker_members", help: "Members held in state, by input partition.", labels: ["partition"])
        heldNotificationJobs = r.gauge(
            "campaign_worker_held_notification_jobs",
            help: "Notification jobs held until the end of the member's quiet hours, by input partition (recounted with timers pending).",
            labels: ["partition"])
        restoreRemaining = r.gauge(
            "campaign_worker_restore_remaining_records",
            help: "Changelog records still to restore, by partition, while partitions restore.",
            labels: ["partition"])
        consumerLag = r.gauge(
            "campaign_worker_consumer_lag",
            help: "Messages between the committed offset and the end of the partition, from librdkafka statistics.",
            labels: ["topic", "partition"])
        transactions = r.counter(
            "campaign_worker_transactions_total", help: "Kafka transactions (exactly_once) by outcome.",
            labels: ["outcome"])
        eventToJob = r.histogram(
            "campaign_worker_event_to_job_seconds",
            help: "Job createdAt minus trigger.firedAt (the event's time, or the occurrence's scheduled instant), by trigger type.",
            labels: ["trigger"], buckets: Self.latencyBuckets)
        planReloads = r.counter(
            "campaign_worker_plan_reloads_total", help: "Times the plan set in force changed while running (plan files or the plans topic).")
        planRejections = r.counter(
            "campaign_worker_plan_rejections_total", help: "Plan versions rejected as invalid; the previous version of each keeps running.")
        plans = r.gauge("campaign_worker_plans", help: "Plans in force (active and paused; drafts are not loaded).")
        assignedPartitions = r.gauge(
            "campaign_worker_assigned_partitions", help: "Input partitions assigned to this worker by the consumer group.")
        offsetCommits = r.counter("campaign_worker_offset_commits_total", help: "Input offset commits.")

        for outcome in ["committed", "aborted"] { transactions.touch(outcome) }
    }

    // MARK: Calls from the worker loop

    /// Input records of one step that were decoded and applied (or found duplicate, ignored, erased), by type.
    ///
    /// Counted per step rather than per record: each update takes the registry's lock.
    public func consumed(_ tally: [ConsumedKey: Int]) {
        for (key, count) in tally {
            let label: String
            switch key.outcome {
            case .applied: label = "applied"
            case .duplicate: label = "duplicate"
            case .ignoredUnknownType: label = "ignored"
            case .erased: label = "erased"
            }
            // Unknown types are whatever a producer wrote: counted together so they cannot create series.
            eventsConsumed.increment(by: Double(count), key.outcome == .ignoredUnknownType ? "other" : key.type, label)
        }
    }

    /// An event type and what applying it did: the labels of `campaign_worker_events_consumed_total`.
    public struct ConsumedKey: Hashable, Sendable {
        public var type: String
        public var outcome: ApplyOutcome

        public init(type: String, outcome: ApplyOutcome) {
            self.type = type
            self.outcome = outcome
        }
    }

    /// One input record could not be decoded and goes to the dead-letter topic.
    public func deadLettered(_ reason: DeadLetterReason.Code) {
        eventsConsumed.increment("invalid", "dead-lettered")
        deadLetters.increment(reason.rawValue)
    }

    /// The records of one step, before they are produced: jobs, decisions and dead letters.
    ///
    /// Tallied first and added once per series: each update takes the registry's lock.
    public func emitted(_ records: [OutputRecord], topics: WorkerConfig.Topics) {
        // A step's records have a handful of distinct label values, mostly the same few strings (plan ids, topics,
        // literals): tallied by linear search from the last key found, where hashing every label of every record
        // cost more than producing the record.
        var produced = StepTally<OutputRole, Int>()
        var jobs = StepTally<Labels, Int>()
        var latencies = StepTally<String, [Double]>()
        var decisionCounts = StepTally<Labels, Int>()
        var suppressionCounts = StepTally<Labels, Int>()
        var timers = StepTally<Labels, Int>()
        for record in records {
            produced.update(record.role, default: 0) { $0 += 1 }
            switch record.role {
            case .couponJobs, .notificationJobs:
                // Facts come with the record from the encoder: parsing every job again cost as much as encoding it.
                guard let topic = topics.topic(for: record.role), let facts = record.facts else { continue }
                jobs.update(Labels(record.planID ?? "", topic, facts.channel ?? "none"), default: 0) { $0 += 1 }
                let seconds = Double(max(0, facts.createdAt.epochMillis - facts.firedAt.epochMillis)) / 1000
                latencies.update(facts.triggerType, default: []) { $0.append(seconds) }
            case .decisions:
                // Decision records are built even when topics.decisions is null, so these counts never depend on it.
                guard let facts = record.facts, let outcome = facts.outcome else { continue }
                let plan = record.planID ?? ""
                decisionCounts.update(Labels(plan, outcome), default: 0) { $0 += 1 }
                if outcome == "suppressed", let reason = facts.reason {
                    suppressionCounts.update(Labels(plan, reason, "occurrence"), default: 0) { $0 += 1 }
                }
                for reason in facts.actionReasons { suppressionCounts.update(Labels(plan, reason, "action"), default: 0) { $0 += 1 } }
                if Self.timeTriggers.contains(facts.triggerType) {
                    timers.update(Labels(plan, facts.triggerType), default: 0) { $0 += 1 }
                }
            case .deadLetters:
                break
            }
        }
        for (role, count) in produced.entries {
            guard let topic = topics.topic(for: role) else { continue }
            recordsProduced.increment(by: Double(count), topic)
        }
        for (labels, count) in jobs.entries { jobsEmitted.increment(by: Double(count), labels: labels.values) }
        for (trigger, seconds) in latencies.entries { eventToJob.observe(contentsOf: seconds, trigger) }
        for (labels, count) in decisionCounts.entries { decisions.increment(by: Double(count), labels: labels.values) }
        for (labels, count) in suppressionCounts.entries { suppressions.increment(by: Double(count), labels: labels.values) }
        for (labels, count) in timers.entries { timersFired.increment(by: Double(count), labels: labels.values) }
    }

    /// Two or three label values, as a tally key without an array.
    private struct Labels: Equatable {
        var first: String
        var second: String
        var third: String?

        init(_ first: String, _ second: String, _ third: String? = nil) {
            self.first = first
            self.second = second
            self.third = third
        }

        var values: [String] { [first, second] + (third.map { [$0] } ?? []) }
    }

    /// The end of a step: members per partition every time, timers pending and held jobs when a recount is due.
    ///
    /// Counting walks every member, so it runs at most once a second and never takes more than about 5% of the loop's
    /// time (the interval grows with how long the count takes).
    public func observe(stores: [Int32: PartitionStore], at now: ContinuousClock.Instant = .now) {
        members.replaceAll(Dictionary(uniqueKeysWithValues: stores.map { ([String($0.key)], Double($0.value.memberCount)) }))
        let due = pendingCount.withLock { last in
            guard let at = last.at else { return true }
            return now - at >= max(.seconds(1), last.took * 20)
        }
        guard due else { return }
        let started = ContinuousClock.now
        var pending: [[String]: Double] = [:]
        var held: [[String]: Double] = [:]
        for (partition, store) in stores {
            var timers = 0, jobs = 0
            for member in store.members.values {
                if member.nextDue != nil { timers += 1 }
                jobs += member.heldNotifications.count
            }
            pending[[String(partition)]] = Double(timers)
            held[[String(partition)]] = Double(jobs)
        }
        timersPending.replaceAll(pending)
        heldNotificationJobs.replaceAll(held)
        let took = ContinuousClock.now - started
        pendingCount.withLock { $0 = (now, took) }
    }

    // MARK: Calls from Kafka and the rest of the runtime

    /// librdkafka's statistics JSON from the consumer: refreshes the lag of every partition it fetches.
    public func consumerStatistics(_ json: [UInt8]) {
        guard let statistics = ConsumerLagStatistics(json: json) else { return }
        consumerLag.replaceAll(
            Dictionary(uniqueKeysWithValues: statistics.lag.map { ([$0.key.topic, String($0.key.partition)], Double($0.value)) }))
    }

    /// Restore progress of one partition's state; nil removes it once the partition is restored or revoked.
    public func restoreRemaining(_ records: Int64?, partition: Int32) {
        if let records { restoreRemaining.set(Double(records), String(partition)) } else { restoreRemaining.remove(String(partition)) }
    }

    /// A Kafka transaction ended.
    public func transactionEnded(committed: Bool) {
        transactions.increment(committed ? "committed" : "aborted")
    }

    /// Reads the worker's running statistics at every scrape: assigned partitions, offset commits, plan changes.
    public func collect(from statistics: WorkerStatistics) {
        let assigned = assignedPartitions, commits = offsetCommits
        let reloads = planReloads, rejections = planRejections, plans = self.plans
        registry.addCollector {
            let snapshot = statistics.snapshot
            assigned.set(Double(snapshot.assignedPartitions.count))
            commits.setTotal(Double(snapshot.commits))
            reloads.setTotal(Double(snapshot.planReloads))
            rejections.setTotal(Double(snapshot.planRejections))
            plans.set(Double(snapshot.activePlans.count))
        }
    }
}

extension WorkerMetrics {
    /// The consumer's `statistics.interval.ms` unless the config sets it: how often consumer lag is refreshed.
    public static let statisticsIntervalMillis = "15000"
}
