import CampaignDomain

/// The plans the worker runs, gathered from plan files and the plans topic.
///
/// An invalid new version never replaces a running one: the previous version of that plan keeps running and the
/// rejection is reported. A plan id in the topic overrides the same id in a file.
public struct PlanCatalog: Sendable {
    public let parser: PlanParser
    /// file path → plan id → plan
    private var fromFiles: [String: [String: Plan]] = [:]
    private var fromTopic: [String: Plan] = [:]

    public init(knownTiers: [String]?) {
        parser = PlanParser(knownTiers: knownTiers)
    }

    /// What an update did.
    public struct Update: Sendable {
        /// Whether the effective plan set changed.
        public var changed = false
        public var rejected: [PlanError] = []
    }

    /// The effective plans, ordered by id.
    public var plans: [Plan] {
        var byID: [String: Plan] = [:]
        for file in fromFiles.keys.sorted() {
            for (id, plan) in fromFiles[file]! where byID[id] == nil { byID[id] = plan }
        }
        for (id, plan) in fromTopic { byID[id] = plan }
        return byID.values.sorted { $0.id < $1.id }
    }

    /// Sets the plans a source contributes outright (plans handed to the worker at start, already validated).
    public mutating func setPlans(_ plans: [Plan], source: String) {
        fromFiles[source] = Dictionary(plans.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
    }

    /// Replaces what `file` contributes (nil bytes: the file was deleted).
    ///
    /// Valid entries replace their previous version, invalid ones keep it, ids no longer in the file are dropped,
    /// and a file that is not valid JSON keeps everything it had.
    public mutating func updateFile(_ file: String, bytes: [UInt8]?) -> Update {
        let before = plans
        var update = Update()
        guard let bytes else {
            fromFiles[file] = nil
            update.changed = plans != before
            return update
        }
        let previous = fromFiles[file] ?? [:]
        var next: [String: Plan] = [:]
        let entries = parser.parseEntries(bytes, source: file)
        for entry in entries {
            if let plan = entry.plan {
                if let owner = fromFiles.first(where: { $0.key != file && $0.key < file && $0.value[plan.id] != nil })?.key {
                    update.rejected.append(PlanError(source: file, path: "$", reason: "plan id \"\(plan.id)\" is already defined in \(owner)"))
                    continue
                }
                next[plan.id] = plan
            } else {
                update.rejected += entry.errors
                if let id = entry.id, let running = previous[id] { next[id] = running }
            }
        }
        if entries.count == 1, entries[0].id == nil, entries[0].plan == nil { next = previous }
        fromFiles[file] = next
        update.changed = plans != before
        return update
    }

    /// Applies one plans-topic record: a plan JSON keyed by its id, or a tombstone (nil) that deletes it.
    public mutating func updateTopic(planID: String, value: [UInt8]?, source: String) -> Update {
        let before = plans
        var update = Update()
        if let value {
            let entries = parser.parseEntries(value, source: source)
            if entries.count == 1, let plan = entries[0].plan {
                if plan.id == planID {
                    fromTopic[planID] = plan
                } else {
                    update.rejected.append(PlanError(source: source, path: "$.id", reason: "the plan's id \"\(plan.id)\" differs from the record key \"\(planID)\""))
                }
            } else if entries.count != 1 {
                update.rejected.append(PlanError(source: source, path: "$", reason: "a plans-topic record holds exactly one plan object"))
            } else {
                update.rejected += entries[0].errors
            }
        } else {
            fromTopic[planID] = nil
        }
        update.changed = plans != before
        return update
    }
}
