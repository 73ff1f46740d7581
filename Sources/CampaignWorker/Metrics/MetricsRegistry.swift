import Synchronization

/// A small Prometheus registry: counters, gauges and histograms with labels, rendered in the text exposition format.
///
/// Thread-safe: the worker thread records, the HTTP thread renders. Families render in name order and series in
/// label-value order, so the same state always gives the same text.
public final class MetricsRegistry: Sendable {
    /// The kind of a metric family, as written on its `# TYPE` line.
    public enum Kind: String, Sendable {
        case counter, gauge, histogram
    }

    struct Family: Sendable {
        var name: String
        var help: String
        var kind: Kind
        var labelNames: [String]
        /// Histogram upper bounds, ascending, without +Inf.
        var buckets: [Double]
        var values: [[String]: Double] = [:]
        var histograms: [[String]: HistogramValue] = [:]
    }

    struct HistogramValue: Sendable {
        /// Observations per bucket (not cumulative); the last slot is +Inf.
        var counts: [UInt64]
        var sum = 0.0
        var count: UInt64 = 0

        mutating func observe(_ values: [Double], buckets: [Double]) {
            for value in values {
                counts[buckets.firstIndex { value <= $0 } ?? buckets.count] += 1
                sum += value
                count += 1
            }
        }
    }

    private let families = Mutex<[String: Family]>([:])
    private let collectors = Mutex<[@Sendable () -> Void]>([])

    public init() {}

    /// Registers a counter family; `name` should end in `_total`.
    public func counter(_ name: String, help: String, labels: [String] = []) -> Counter {
        register(Family(name: name, help: help, kind: .counter, labelNames: labels, buckets: []))
        return Counter(registry: self, name: name)
    }

    /// Registers a gauge family.
    public func gauge(_ name: String, help: String, labels: [String] = []) -> Gauge {
        register(Family(name: name, help: help, kind: .gauge, labelNames: labels, buckets: []))
        return Gauge(registry: self, name: name)
    }

    /// Registers a histogram family with the given bucket upper bounds (ascending; +Inf is implied).
    public func histogram(_ name: String, help: String, labels: [String] = [], buckets: [Double]) -> Histogram {
        precondition(!buckets.isEmpty && zip(buckets, buckets.dropFirst()).allSatisfy { $0 < $1 }, "buckets must ascend")
        precondition(!labels.contains("le"), "\"le\" is reserved for histogram buckets")
        register(Family(name: name, help: help, kind: .histogram, labelNames: labels, buckets: buckets))
        return Histogram(registry: self, name: name)
    }

    /// Runs `collect` before every render, to refresh gauges whose values are read rather than pushed.
    public func addCollector(_ collect: @escaping @Sendable () -> Void) {
        collectors.withLock { $0.append(collect) }
    }

    private func register(_ family: Family) {
        precondition(Self.isValidName(family.name), "invalid metric name \(family.name)")
        for label in family.labelNames {
            precondition(Self.isValidName(label) && !label.contains(":") && !label.hasPrefix("__"), "invalid label \(label)")
        }
        families.withLock { families in
            precondition(families[family.name] == nil, "metric \(family.name) registered twice")
            var family = family
            // A family without labels has exactly one series, present from the start.
            if family.labelNames.isEmpty {
                if family.kind == .histogram {
                    family.histograms[[]] = HistogramValue(counts: Array(repeating: 0, count: family.buckets.count + 1))
                } else {
                    family.values[[]] = 0
                }
            }
            families[family.name] = family
        }
    }

    /// Changes one family in place; `labels` (when given) must match its label names in number.
    func update(_ name: String, _ labels: [String]?, _ body: (inout Family) -> Void) {
        families.withLock { families in
            guard let labelNames = families[name]?.labelNames else { return }
            if let labels { precondition(labels.count == labelNames.count, "\(name) takes labels \(labelNames)") }
            body(&families[name]!)
        }
    }

    /// The current value of a counter or gauge series, nil when it was never set.
    public func value(_ name: String, _ labels: [String] = []) -> Double? {
        families.withLock { $0[name]?.values[labels] }
    }

    /// Metric names and label names: `[a-zA-Z_:][a-zA-Z0-9_:]*`.
    static func isValidName(_ name: String) -> Bool {
        guard let first = name.utf8.first else { return false }
        func isLetter(_ byte: UInt8) -> Bool {
            (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
                || byte == UInt8(ascii: "_") || byte == UInt8(ascii: ":")
        }
        return isLetter(first) && name.utf8.allSatisfy { isLetter($0) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }
    }

    /// The whole registry in the Prometheus text exposition format (version 0.0.4).
    public func render() -> String {
        for collect in collectors.withLock({ $0 }) { collect() }
        let snapshot = families.withLock { $0 }
        var text = ""
        for name in snapshot.keys.sorted() {
            guard let family = snapshot[name] else { continue }
            PrometheusText.write(family, into: &text)
        }
        return text
    }
}

/// A counter family: values only go up.
public struct Counter: Sendable {
    let registry: MetricsRegistry
    let name: String

    /// Adds `amount` (at least 0) to the series with these label values, in the family's label order.
    public func increment(by amount: Double = 1, _ labels: String...) {
        increment(by: amount, labels: labels)
    }

    public func increment(by amount: Double = 1, labels: [String]) {
        precondition(amount >= 0, "counters only go up")
        registry.update(name, labels) { $0.values[labels, default: 0] += amount }
    }

    /// Sets the total read from a source that already counts (it must never go down).
    func setTotal(_ total: Double, _ labels: String...) {
        registry.update(name, labels) { $0.values[labels] = total }
    }

    /// Makes the series exist with value 0, so dashboards see it before the first increment.
    public func touch(_ labels: String...) {
        registry.update(name, labels) { family in
            if family.values[labels] == nil { family.values[labels] = 0 }
        }
    }
}

/// A gauge family: values go up and down, and series can be removed (e.g. when a partition is revoked).
public struct Gauge: Sendable {
    let registry: MetricsRegistry
    let name: String

    public func set(_ value: Double, _ labels: String...) {
        registry.update(name, labels) { $0.values[labels] = value }
    }

    /// Removes one series.
    public func remove(_ labels: String...) {
        registry.update(name, labels) { $0.values[labels] = nil }
    }

    /// Replaces every series of the family at once: series not in `series` disappear.
    public func replaceAll(_ series: [[String]: Double]) {
        registry.update(name, nil) { family in
            precondition(series.keys.allSatisfy { $0.count == family.labelNames.count }, "\(name) takes labels \(family.labelNames)")
            family.values = series
        }
    }
}

/// A histogram family: observations counted into cumulative buckets, with their sum and count.
public struct Histogram: Sendable {
    let registry: MetricsRegistry
    let name: String

    public func observe(_ value: Double, _ labels: String...) {
        observe(contentsOf: [value], labels: labels)
    }

    /// Several observations of one series under one lock.
    public func observe(contentsOf values: [Double], _ labels: String...) {
        observe(contentsOf: values, labels: labels)
    }

    func observe(contentsOf values: [Double], labels: [String]) {
        registry.update(name, labels) { family in
            let buckets = family.buckets
            // Changed in place: taking the histogram out and putting it back would copy its counts every time.
            family.histograms[labels, default: .init(counts: Array(repeating: 0, count: buckets.count + 1))].observe(values, buckets: buckets)
        }
    }
}
