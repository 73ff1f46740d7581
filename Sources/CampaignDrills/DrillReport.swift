/// The summary table the drills print (and the README quotes).
enum DrillReport {
    static func table(_ results: [DrillResult], mode: String) -> String {
        var lines = [
            "| drill (\(mode)) | result | kill points | scale steps | broker pauses | jobs expected | committed | lost | duplicated | unexpected | erasure violations | worker crashes | aborted repeats (read_uncommitted) | set aside (open at a kill) | seconds |",
            "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|",
        ]
        for r in results {
            lines.append(
                "| \(r.name) | \(r.passed ? "pass" : "FAIL") | \(r.killPoints) | \(r.scaleSteps) | \(r.pauses) | \(r.expected) | \(r.committed) | \(r.lost) | \(r.duplicated) | \(r.unexpected) | \(r.erasureViolations) | \(r.crashedWorkers) | \(r.abortedRepeats) | \(r.setAside) | \(Int(r.seconds)) |"
            )
        }
        let failed = results.filter { !$0.passed }.count
        lines.append("")
        lines.append("runs: \(results.count), kill points: \(results.reduce(0) { $0 + $1.killPoints }), jobs expected: \(results.reduce(0) { $0 + $1.expected }), committed: \(results.reduce(0) { $0 + $1.committed }), lost: \(results.reduce(0) { $0 + $1.lost }), duplicated: \(results.reduce(0) { $0 + $1.duplicated })")
        for r in results where !r.notes.isEmpty {
            lines.append("notes on \(r.name):")
            for note in r.notes { lines.append("  - \(note)") }
        }
        lines.append("drills: \(results.count - failed) passed, \(failed) failed")
        return lines.joined(separator: "\n")
    }
}
