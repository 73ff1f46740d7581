import Foundation

/// Writes metric families in the Prometheus text exposition format, version 0.0.4.
enum PrometheusText {
    /// The `Content-Type` of a rendered registry.
    static let contentType = "text/plain; version=0.0.4; charset=utf-8"

    static func write(_ family: MetricsRegistry.Family, into text: inout String) {
        text += "# HELP \(family.name) \(escapeHelp(family.help))\n"
        text += "# TYPE \(family.name) \(family.kind.rawValue)\n"
        switch family.kind {
        case .counter, .gauge:
            for labels in family.values.keys.sorted(by: isOrderedBefore) {
                text += "\(family.name)\(labelSet(family.labelNames, labels)) \(format(family.values[labels] ?? 0))\n"
            }
        case .histogram:
            for labels in family.histograms.keys.sorted(by: isOrderedBefore) {
                guard let histogram = family.histograms[labels] else { continue }
                var cumulative: UInt64 = 0
                for (index, count) in histogram.counts.enumerated() {
                    cumulative += count
                    let bound = index < family.buckets.count ? format(family.buckets[index]) : "+Inf"
                    let names = family.labelNames + ["le"]
                    text += "\(family.name)_bucket\(labelSet(names, labels + [bound])) \(cumulative)\n"
                }
                text += "\(family.name)_sum\(labelSet(family.labelNames, labels)) \(format(histogram.sum))\n"
                text += "\(family.name)_count\(labelSet(family.labelNames, labels)) \(histogram.count)\n"
            }
        }
    }

    /// `{a="x",b="y"}`, or nothing for a family without labels.
    static func labelSet(_ names: [String], _ values: [String]) -> String {
        guard !names.isEmpty else { return "" }
        return "{" + zip(names, values).map { "\($0)=\"\(escapeLabelValue($1))\"" }.joined(separator: ",") + "}"
    }

    /// Label values escape backslash, double quote and line feed (the format's three escapes).
    static func escapeLabelValue(_ value: String) -> String {
        var escaped = ""
        escaped.reserveCapacity(value.utf8.count)
        for character in value.unicodeScalars {
            switch character {
            case "\\": escaped += "\\\\"
            case "\"": escaped += "\\\""
            case "\n": escaped += "\\n"
            default: escaped.unicodeScalars.append(character)
            }
        }
        return escaped
    }

    /// Help text escapes backslash and line feed.
    static func escapeHelp(_ help: String) -> String {
        help.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\n", with: "\\n")
    }

    /// Whole numbers without a fraction, others in Swift's shortest round-trip form; `+Inf`, `-Inf`, `NaN`.
    static func format(_ value: Double) -> String {
        if value.isNaN { return "NaN" }
        if value.isInfinite { return value > 0 ? "+Inf" : "-Inf" }
        if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
        return "\(value)"
    }

    static func isOrderedBefore(_ lhs: [String], _ rhs: [String]) -> Bool {
        lhs.lexicographicallyPrecedes(rhs)
    }
}
