/// A scraped Prometheus text exposition, checked line by line and indexed by series.
public struct PrometheusScrape: Sendable {
    /// Sample values by series as written, e.g. `campaign_worker_events_consumed_total{type="order.completed",outcome="applied"}`.
    public var samples: [String: Double] = [:]
    /// `# TYPE` of each family.
    public var types: [String: String] = [:]

    public struct Malformed: Error, CustomStringConvertible {
        public var description: String
    }

    /// Parses the text; throws on any line that is not a comment, a blank line or `series value`.
    public init(_ text: String) throws {
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) where !line.isEmpty {
            if line.hasPrefix("# TYPE ") {
                let parts = line.split(separator: " ")
                guard parts.count == 4 else { throw Malformed(description: "bad TYPE line: \(line)") }
                types[String(parts[2])] = String(parts[3])
                continue
            }
            if line.hasPrefix("#") { continue }
            guard let space = line.lastIndex(of: " ") else { throw Malformed(description: "no value: \(line)") }
            let series = String(line[..<space])
            let valueText = line[line.index(after: space)...]
            let value: Double? = valueText == "+Inf" ? .infinity : valueText == "-Inf" ? -.infinity : Double(valueText)
            guard let value else { throw Malformed(description: "bad value: \(line)") }
            guard samples[series] == nil else { throw Malformed(description: "duplicate series: \(series)") }
            samples[series] = value
        }
    }

    /// The value of one series; `labels` in the order the family declares them.
    public func value(_ name: String, _ labels: [(String, String)] = []) -> Double? {
        samples[Self.series(name, labels)]
    }

    /// The sum over every series of a family whose labels include `matching`.
    public func sum(_ name: String, matching: [(String, String)] = []) -> Double {
        samples.filter { key, _ in
            (key == name || key.hasPrefix(name + "{")) && matching.allSatisfy { key.contains("\($0.0)=\"\($0.1)\"") }
        }.values.reduce(0, +)
    }

    public static func series(_ name: String, _ labels: [(String, String)]) -> String {
        labels.isEmpty ? name : name + "{" + labels.map { "\($0.0)=\"\($0.1)\"" }.joined(separator: ",") + "}"
    }
}
