/// What the demo did, per plan, as read back from the output topics.
public struct DemoSummary: Sendable, CustomStringConvertible {
    let plans: [String]
    let printer: JobPrinter.Tally
    let produced: Int
    let worker: WorkerStatistics.Snapshot

    /// Jobs read back from the job topics.
    public var jobCount: Int { printer.coupons.values.reduce(0, +) + printer.notifications.values.reduce(0, +) }
    public var duplicateJobIDs: Int { printer.duplicateJobIDs }

    public var description: String {
        var lines = ["", "Summary (events produced \(produced), consumed \(worker.consumed), applied \(worker.applied), duplicates \(worker.duplicates), unknown types ignored \(worker.ignoredUnknownType), dead-lettered \(worker.deadLettered))"]
        lines.append(pad("plan", 18) + pad("fired", 8) + pad("coupons", 9) + pad("notices", 9) + "suppressed")
        for plan in plans {
            let suppressed = (printer.suppressed[plan] ?? [:]).sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
            lines.append(
                pad(plan, 18) + pad(String(printer.fired[plan] ?? 0), 8) + pad(String(printer.coupons[plan] ?? 0), 9)
                    + pad(String(printer.notifications[plan] ?? 0), 9) + (suppressed.isEmpty ? "-" : suppressed))
        }
        let dead = printer.deadLetters.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
        lines.append("dead letters: \(dead.isEmpty ? "none" : dead); distinct job ids \(printer.jobIDs.count), duplicate job ids \(printer.duplicateJobIDs)")
        return lines.joined(separator: "\n")
    }

    private func pad(_ text: String, _ width: Int) -> String {
        text.count >= width ? text + " " : text + String(repeating: " ", count: width - text.count)
    }
}
