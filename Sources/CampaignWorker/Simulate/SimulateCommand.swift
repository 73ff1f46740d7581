import CampaignDomain
import Foundation

/// `campaign-worker simulate`: the engine without Kafka on a virtual clock, JSON Lines in and out (CONTRACT §7).
public struct SimulateCommand: Sendable {
    public var config: WorkerConfig
    public var plans: [Plan]
    public var eventsPath: String
    public var from: Instant?
    public var until: Instant?
    /// nil writes to standard output.
    public var outPath: String?

    public init(config: WorkerConfig, plans: [Plan], eventsPath: String, from: Instant?, until: Instant?, outPath: String?) {
        self.config = config
        self.plans = plans
        self.eventsPath = eventsPath
        self.from = from
        self.until = until
        self.outPath = outPath
    }

    public enum Failure: Error, CustomStringConvertible {
        case cannotRead(String)
        case cannotWrite(String)

        public var description: String {
            switch self {
            case .cannotRead(let path): "cannot read the events file \(path); check the path and permissions"
            case .cannotWrite(let path): "cannot write the output file \(path); check the directory exists and is writable"
            }
        }
    }

    /// Runs the simulation and returns its statistics.
    public func run() throws(Failure) -> Simulation.Statistics {
        guard let data = FileManager.default.contents(atPath: eventsPath) else { throw .cannotRead(eventsPath) }
        let output: FileHandle
        if let outPath {
            guard FileManager.default.createFile(atPath: outPath, contents: nil), let handle = FileHandle(forWritingAtPath: outPath) else {
                throw .cannotWrite(outPath)
            }
            output = handle
        } else {
            output = FileHandle.standardOutput
        }
        defer { if outPath != nil { try? output.close() } }

        var simulation = Simulation(engine: config.engine(plans: plans, enforcesLateness: false), from: from, until: until)
        var records: [OutputRecord] = []
        var buffer: [UInt8] = []
        func flush(force: Bool = false) {
            for record in records {
                guard let topic = config.topics.topic(for: record.role) else { continue }
                buffer += OutputLine.encode(record, topic: topic)
                buffer.append(0x0A)
            }
            records.removeAll(keepingCapacity: true)
            if force || buffer.count > 1 << 20 {
                output.write(Data(buffer))
                buffer.removeAll(keepingCapacity: true)
            }
        }
        var lineNumber = 0
        var lineStart = data.startIndex
        let bytes = [UInt8](data)
        var index = 0
        lineStart = 0
        while index <= bytes.count {
            if index == bytes.count || bytes[index] == 0x0A {
                lineNumber += 1
                var line = Array(bytes[lineStart..<index])
                if line.last == 0x0D { line.removeLast() }
                // Blank lines separate nothing in JSON Lines; they are skipped rather than dead-lettered.
                if !line.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) {
                    simulation.process(line: line, source: eventsPath, lineNumber: lineNumber, into: &records)
                    flush()
                }
                lineStart = index + 1
            }
            index += 1
        }
        simulation.finish(into: &records)
        flush(force: true)
        return simulation.statistics
    }
}
