import Foundation

// campaign-drills: black-box drills of the delivery guarantees against a real broker (README "Drills").

let usage = """
    Usage: campaign-drills --bootstrap HOST:PORT [--mode short|full] [--worker PATH] [--broker-pid PID]
                           [--work-dir DIR] [--seed N] [--report FILE] [--only DRILL[,DRILL]]
           campaign-drills --bootstrap HOST:PORT --inspect-changelog TOPIC --member ID
    """

var options: [String: String] = ["mode": "short", "worker": ".build/debug/campaign-worker", "seed": "20260101"]
var arguments = CommandLine.arguments.dropFirst().makeIterator()
while let argument = arguments.next() {
    guard argument.hasPrefix("--"), let value = arguments.next() else {
        FileHandle.standardError.write(Data("campaign-drills: bad argument \(argument)\n\(usage)\n".utf8))
        exit(2)
    }
    options[String(argument.dropFirst(2))] = value
}
guard let bootstrap = options["bootstrap"], let mode = options["mode"], ["short", "full"].contains(mode),
    let seed = UInt64(options["seed"] ?? "")
else {
    FileHandle.standardError.write(Data("campaign-drills: missing --bootstrap or bad --mode/--seed\n\(usage)\n".utf8))
    exit(2)
}
if let topic = options["inspect-changelog"], let member = options["member"] {
    do {
        try ChangelogInspector.print(bootstrap: bootstrap, topic: topic, member: member)
        exit(0)
    } catch {
        FileHandle.standardError.write(Data("campaign-drills: \(error)\n".utf8))
        exit(1)
    }
}
let workDirectory = URL(fileURLWithPath: options["work-dir"] ?? NSTemporaryDirectory()).appendingPathComponent("campaign-drills")
let runner = DrillRunner(
    bootstrap: bootstrap, workerExecutable: options["worker"] ?? "", brokerPID: options["broker-pid"].flatMap { Int32($0) },
    workDirectory: workDirectory,
    log: { line in FileHandle.standardError.write(Data((line + "\n").utf8)) })

var drills = mode == "short" ? DrillPlan.short(seed: seed) : DrillPlan.full(seed: seed)
if let only = options["only"] { drills = drills.filter { only.split(separator: ",").contains(Substring($0.name)) } }
var results: [DrillResult] = []
for drill in drills {
    do {
        results.append(try runner.run(drill))
    } catch {
        var failed = DrillResult(name: drill.name)
        failed.notes.append("drill could not run: \(error)")
        results.append(failed)
    }
}
let table = DrillReport.table(results, mode: mode)
print(table)
if let path = options["report"] { try? Data(table.utf8).write(to: URL(fileURLWithPath: path)) }
exit(results.allSatisfy(\.passed) ? 0 : 1)
