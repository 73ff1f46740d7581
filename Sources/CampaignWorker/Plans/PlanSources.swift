import CampaignDomain
import Kafka

/// Where the running worker's plans come from: the plan path, the plans topic, or plans handed over at start.
struct PlanSources {
    var catalog: PlanCatalog
    private var watcher: PlanDirectoryWatcher?
    private let topic: PlansTopicSource?
    private let worker: Worker

    /// Loads the initial plans; invalid plan files stop the start unless `plans.skipInvalidAtStart` is set.
    init(worker: Worker, admin: KafkaAdmin) throws {
        self.worker = worker
        let config = worker.config
        catalog = PlanCatalog(knownTiers: config.programme.tiers)
        if let path = config.plansPath {
            var watcher = PlanDirectoryWatcher(path: path)
            var rejected: [PlanError] = []
            for change in watcher.scan() { rejected += catalog.updateFile(change.file, bytes: change.bytes).rejected }
            if !rejected.isEmpty {
                guard config.plansSkipInvalidAtStart else { throw Worker.Failure.invalidPlans(rejected) }
                Self.report(rejected, worker: worker)
            }
            self.watcher = watcher
        } else {
            catalog.setPlans(worker.initialPlans, source: "startup")
        }
        if let name = config.topics.plans {
            if let partitions = try admin.partitionCount(topic: name, timeout: .seconds(10)) {
                let source = try PlansTopicSource(topic: name, partitions: partitions, properties: config.kafka, logHandler: worker.kafkaLogHandler)
                Self.report(try source.readToEnd(into: &catalog).rejected, worker: worker)
                topic = source
            } else {
                worker.logger.warning("plans.topic_missing", [("topic", .string(name)), ("hint", "create it (compacted) to manage plans through Kafka; plans come from plans.path only")])
                topic = nil
            }
        } else {
            topic = nil
        }
    }

    /// Checks both sources; true when the effective plan set changed.
    mutating func refresh() throws -> Bool {
        var changed = false
        if var watcher {
            for change in watcher.scan() {
                let update = catalog.updateFile(change.file, bytes: change.bytes)
                changed = changed || update.changed
                report(update.rejected)
            }
            self.watcher = watcher
        }
        if let topic {
            let update = try topic.poll(into: &catalog)
            changed = changed || update.changed
            report(update.rejected)
        }
        return changed
    }

    func report(_ rejected: [PlanError]) { Self.report(rejected, worker: worker) }

    /// Logs and counts rejected plan versions; the previous version of each keeps running.
    static func report(_ rejected: [PlanError], worker: Worker) {
        guard !rejected.isEmpty else { return }
        for error in rejected {
            worker.logger.error("plan.rejected", [("source", .string(error.source)), ("path", .string(error.path)), ("reason", .string(error.reason))])
        }
        worker.statistics.update { $0.planRejections += rejected.count }
    }
}
