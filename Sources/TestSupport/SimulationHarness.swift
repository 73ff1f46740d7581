import CampaignDomain

/// Runs event lines through a `Simulation` and exposes what came out as parsed JSON, for black-box domain tests.
public struct SimulationHarness {
    public var simulation: Simulation
    public private(set) var records: [OutputRecord] = []
    private var lineNumber = 0

    public init(plans: [Plan], programme: Programme = Programme(), from: String? = nil, until: String? = nil, enforcesLateness: Bool = false) {
        let engine = Engine(programme: programme, plans: plans, enforcesLateness: enforcesLateness)
        simulation = Simulation(engine: engine, from: from.map(Instant.at), until: until.map(Instant.at))
    }

    public mutating func send(_ lines: String...) {
        for line in lines {
            lineNumber += 1
            simulation.process(line: Array(line.utf8), source: "events.jsonl", lineNumber: lineNumber, into: &records)
        }
    }

    public mutating func finish() {
        simulation.finish(into: &records)
    }

    public var store: PartitionStore { simulation.store }

    public func values(_ role: OutputRole) -> [JSONObject] {
        records.filter { $0.role == role }.compactMap { record in
            record.value.flatMap { try? JSONParser.parse($0) }?.objectValue
        }
    }

    public var couponJobs: [JSONObject] { values(.couponJobs) }
    public var notificationJobs: [JSONObject] { values(.notificationJobs) }
    public var decisions: [JSONObject] { values(.decisions) }
    public var deadLetters: [OutputRecord] { records.filter { $0.role == .deadLetters } }
}

extension JSONObject {
    /// A nested string by dotted path, e.g. `"trigger.firedAt"`.
    public func string(_ path: String) -> String? {
        value(path)?.stringValue
    }

    public func value(_ path: String) -> JSONValue? {
        var current: JSONValue = .object(self)
        for component in path.split(separator: ".") {
            guard let next = current.objectValue?[String(component)] else { return nil }
            current = next
        }
        return current
    }
}
