import CampaignDomain
import CampaignWorker
import Foundation

/// `campaign-bench`: the performance figures of docs/PERFORMANCE.md. Run it in release mode (`make bench`).
///
/// `--smoke` runs every benchmark with tiny sizes, to check the bench code itself (part of `make test`).
/// Writes a line straight away (print buffers when redirected, and a long run should show progress).
func emit(_ line: String) { FileHandle.standardOutput.write(Data((line + "\n").utf8)) }

let arguments = CommandLine.arguments.dropFirst()
let usage = """
    usage: campaign-bench [--smoke] [--only engine|state|kafka|restore|pipeline] [--scale F] [--processing-threads N]
      --smoke   every benchmark with tiny sizes (checks the bench code; make test runs it)
      --only    one group: engine, state (memory, timers, restore), kafka (pipeline, latency), restore, pipeline
      --scale   multiply every default size by F (e.g. 0.1 for a quick look)
      --processing-threads
                the pipeline and latency workers' processingThreads (default: the worker's, \(WorkerConfig.defaultProcessingThreads) here)
    Run from the repository root, in release mode (make bench).
    """
/// Checks the arguments before anything runs: a mistyped flag would otherwise start the full, minutes-long run.
func validateArguments() {
    var rest = arguments[...]
    while let flag = rest.popFirst() {
        switch flag {
        case "--smoke": continue
        case "--help", "-h":
            emit(usage)
            exit(0)
        case "--only":
            guard let group = rest.popFirst(), ["engine", "state", "kafka", "restore", "pipeline"].contains(group) else {
                fail("--only needs one of engine, state, kafka, restore, pipeline")
            }
        case "--scale":
            guard let value = rest.popFirst().flatMap(Double.init), value > 0 else { fail("--scale needs a positive number, e.g. --scale 0.1") }
        case "--processing-threads":
            guard let value = rest.popFirst().flatMap(Int.init), (1...64).contains(value) else { fail("--processing-threads needs a whole number from 1 to 64") }
        default: fail("unknown argument '\(flag)'")
        }
    }
}
func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data("campaign-bench: \(message)\n\(usage)\n".utf8))
    exit(2)
}
validateArguments()
let smoke = arguments.contains("--smoke")
/// `--only engine|state|kafka|restore|pipeline` runs one group (for profiling; `state` includes the restore, `kafka`
/// the pipeline and the latency).
let only = arguments.firstIndex(of: "--only").flatMap { arguments.index(after: $0) < arguments.endIndex ? arguments[arguments.index(after: $0)] : nil }
func runs(_ group: String) -> Bool { only == nil || only == group }
/// The Kafka benchmarks' worker threads (`--processing-threads`, else the worker's default).
let processingThreads = arguments.firstIndex(of: "--processing-threads").flatMap { Int(arguments[arguments.index(after: $0)]) }
    ?? WorkerConfig.defaultProcessingThreads
let root = FileManager.default.currentDirectoryPath
let plans: [Plan]
do {
    plans = try BenchWorkload.plans(root: root)
} catch {
    FileHandle.standardError.write(Data("campaign-bench: run from the repository root (reads docs/*.md for the plan mix): \(error)\n".utf8))
    exit(1)
}

struct Row {
    var name: String
    var figure: String
    var target: String
    var sizes: String
}

var rows: [Row] = []
@MainActor func report(_ row: Row) {
    rows.append(row)
    emit("\(row.name): \(row.figure)   [target \(row.target); \(row.sizes)]")
}

func format(_ value: Double, _ digits: Int = 0) -> String {
    String(format: "%.\(digits)f", value)
}

/// `--scale F` multiplies the default sizes (e.g. 0.1 for a quick look).
let scale = arguments.firstIndex(of: "--scale").flatMap { arguments.index(after: $0) < arguments.endIndex ? Double(arguments[arguments.index(after: $0)]) : nil } ?? 1
func sized(_ full: Int, smoke tiny: Int) -> Int { smoke ? tiny : max(1, Int(Double(full) * scale)) }
// Memory first: a later benchmark in the same run would be measured on a heap full of what earlier ones freed, which
// new members reuse without the resident size growing.
let stateMembers = sized(1_000_000, smoke: 500)
if runs("state") {
let state = StateBench.run(members: stateMembers, plans: plans)
report(Row(name: "Memory", figure: "\(format(state.bytesPerMember)) bytes/member resident", target: "≤ 300 bytes", sizes: "\(state.members) members, 4 events each"))
report(Row(name: "Timers, a simulated year", figure: "\(format(state.yearCPUSeconds, 2)) s CPU, \(state.jobs) jobs, \(state.decisions) decisions", target: "≤ 10 s CPU", sizes: "\(state.members) members, \(plans.count) plans, hourly steps"))
}

let engineMembers = sized(100_000, smoke: 200)
let engineEvents = sized(1_000_000, smoke: 2_000)
if runs("engine") {
    let week = EngineBench.busyWeek(members: engineMembers, events: engineEvents, plans: plans)
    report(Row(
        name: "Engine throughput (1 thread), a busy week",
        figure: "\(format(Double(week.events) / week.seconds)) events/s; decode alone \(format(Double(week.events) / week.decodeSeconds)) events/s (\(format(week.decodeSeconds / week.seconds * 100))% of the time)",
        target: "≥ 1,000,000 events/s",
        sizes: "\(week.events) orders, visits, points and profile updates in 7 days, \(engineMembers) members known before, \(plans.count) plans, \(week.outputs) outputs"))
    // The same engine over a year, where the time triggers' jobs and decisions outnumber the events.
    let yearMembers = sized(10_000, smoke: 100), yearEvents = sized(90_000, smoke: 1_000)
    let year = EngineBench.year(members: yearMembers, events: yearEvents, plans: plans)
    report(Row(
        name: "Engine throughput (1 thread), a year",
        figure: "\(format(Double(year.events) / year.seconds)) events/s; decode alone \(format(Double(year.events) / year.decodeSeconds)) events/s",
        target: "(no target: timers dominate)",
        sizes: "\(year.events) events (\(yearMembers) enrolments, the rest over 12 months), \(plans.count) plans, \(year.outputs) outputs"))
}

if runs("kafka") || only == "pipeline" {
do {
    // The mock cluster keeps only about the last 5 MB of each partition: about 50 MB over 16 partitions at most.
    let pipeline = try PipelineBench.run(members: sized(40_000, smoke: 100), events: sized(160_000, smoke: 500), plans: plans, threads: processingThreads, rounds: smoke ? 1 : 3)
    report(Row(
        name: "Pipeline, at_least_once", figure: "worker \(format(pipeline.workerPerSecond)) events/s, baseline \(format(pipeline.baselinePerSecond)) events/s, ratio \(format(pipeline.ratio, 2)) (runs \(pipeline.workerRuns.map { format($0) }.joined(separator: ", ")))",
        target: "≥ 0.6 ×", sizes: "\(pipeline.events) events, \(PipelineBench.partitions) partitions, mock cluster, 100 ms commits, worker with \(processingThreads) processing threads, median of 3 runs each"))
    report(Row(
        name: "Pipeline, exactly_once", figure: "worker \(format(pipeline.exactlyOncePerSecond)) events/s, ratio \(format(pipeline.exactlyOnceRatio, 2)) to the same baseline (runs \(pipeline.exactlyOnceRuns.map { format($0) }.joined(separator: ", ")))",
        target: "≥ 0.5 ×", sizes: "\(pipeline.events) events, \(PipelineBench.partitions) partitions, mock cluster (no transaction markers), 100 ms transactions, \(processingThreads) processing threads, median of 3 runs"))
    if only == "pipeline" { exit(0) }
    // Half the measured maximum: the latency worker runs exactly_once, the default.
    let rate = smoke ? 200 : max(100, pipeline.exactlyOncePerSecond / 2)
    let latency = try LatencyBench.run(rate: rate, seconds: smoke ? 1 : 10, threads: processingThreads)
    report(Row(
        name: "Latency, event to committed job", figure: "p50 \(format(latency.p50Millis, 1)) ms, p99 \(format(latency.p99Millis, 1)) ms",
        target: "p99 ≤ commit interval + 50 ms = 150 ms", sizes: "\(format(latency.rate)) events/s for \(smoke ? 1 : 10) s, \(latency.samples) samples, \(processingThreads) processing threads"))
} catch {
    FileHandle.standardError.write(Data("campaign-bench: Kafka benchmarks failed: \(error)\n".utf8))
    exit(1)
}
}
if runs("state") || only == "restore" {
let restore = RestoreBench.run(members: sized(200_000, smoke: 300), plans: plans)
report(Row(
    name: "Restore", figure: "\(format(Double(restore.records) / restore.seconds)) records/s (decode, put in place, queue the stored due times); after a plan change (every due time computed again) \(format(Double(restore.records) / restore.reschedulingSeconds)) records/s; \(format(restore.bytesPerRecord)) bytes/record",
    target: "≥ 500,000 records/s", sizes: "\(restore.records) changelog records, \(plans.count) plans, in memory (no broker)"))
}

emit("\n| benchmark | figure | target | sizes |\n|---|---|---|---|")
for row in rows { emit("| \(row.name) | \(row.figure) | \(row.target) | \(row.sizes) |") }
emit("\nmachine: \(Measure.machine()); command: \(smoke ? "campaign-bench --smoke" : "make bench")\(scale != 1 ? " --scale \(scale)" : "")")
