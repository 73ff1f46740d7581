import CampaignDomain
import CampaignWorker
import Foundation

let usage = """
    campaign-worker — loyalty-programme campaign automation from Kafka

    Usage:
      campaign-worker run --config FILE [--virtual-clock V0 --clock-rate R [--clock-anchor W0]]
      campaign-worker demo [--members N] [--year-seconds S] [--plans PATH] [--quiet]
      campaign-worker plans validate PATH [--config FILE]
      campaign-worker config check --config FILE
      campaign-worker simulate [--config FILE] --plans PATH --events FILE [--from T] [--until T] [--out FILE]
      campaign-worker help

    Times (V0, W0, T) are RFC 3339, e.g. 2026-01-01T00:00:00+08:00. See README.md for configuration.
    """

func fail(_ message: String, code: Int32) -> Never {
    FileHandle.standardError.write(Data("campaign-worker: \(message)\n".utf8))
    exit(code)
}

func parseInstant(_ text: String?, option: String) -> Instant? {
    guard let text else { return nil }
    guard let instant = Instant(rfc3339: text) else { fail("--\(option) must be an RFC 3339 date-time with an offset, not \(text)", code: 2) }
    return instant
}

func loadConfig(_ path: String?) -> WorkerConfig {
    let environment = ProcessInfo.processInfo.environment
    do {
        guard let path else {
            var config = WorkerConfig()
            try config.applyEnvironmentOverrides(environment)
            return config
        }
        return try WorkerConfig.load(path: path, environment: environment)
    } catch {
        fail("invalid configuration: \(error)", code: 1)
    }
}

/// Loads plans and exits 1 listing every error when any plan is invalid.
func loadPlans(_ path: String, tiers: [String]) -> [Plan] {
    let result = PlanLoader.load(path: path, knownTiers: tiers)
    guard result.errors.isEmpty else {
        for error in result.errors { FileHandle.standardError.write(Data("\(error)\n".utf8)) }
        fail("\(result.errors.count) plan error(s) in \(path)", code: 1)
    }
    return result.plans
}

/// Turns SIGINT and SIGTERM into a clean stop: finish the batch, commit, leave the group.
func installStopSignals(_ stop: StopSignal, onStop: @escaping @Sendable () -> Void = {}) -> [any DispatchSourceSignal] {
    [SIGINT, SIGTERM].map { number in
        signal(number, SIG_IGN)
        let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
        source.setEventHandler {
            onStop()
            stop.stop()
        }
        source.resume()
        return source
    }
}

/// Serves /metrics, /healthz and /readyz at `http.listen`; exits 1 when the address cannot be used.
func startOperationsServer(config: WorkerConfig, worker: Worker, logger: Logger) -> HTTPServer {
    guard let address = ListenAddress(config.httpListen) else { fail("http.listen must be HOST:PORT, not \(config.httpListen)", code: 1) }
    do {
        let server = try HTTPServer(address: address, logger: logger, handler: OperationsEndpoints(worker: worker).respond)
        server.start()
        return server
    } catch {
        fail(error.description, code: 1)
    }
}

let arguments = CommandLine.arguments.dropFirst()
guard let command = arguments.first else {
    print(usage)
    exit(2)
}

do {
    switch command {
    case "help", "--help", "-h":
        print(usage)

    case "plans":
        let parsed = try Arguments(arguments.dropFirst(), valued: ["config"])
        guard parsed.positional.first == "validate", parsed.positional.count == 2 else {
            throw Arguments.UsageError(description: "usage: campaign-worker plans validate PATH [--config FILE]")
        }
        let path = parsed.positional[1]
        // With a config, tiers named in plans are checked against the programme's tiers.
        let tiers = parsed.value("config").map { loadConfig($0).programme.tiers }
        let result = PlanLoader.load(path: path, knownTiers: tiers)
        if result.errors.isEmpty {
            print("\(result.plans.count) plan(s) valid in \(result.files.count) file(s): \(result.plans.map(\.id).joined(separator: ", "))")
        } else {
            for error in result.errors { print(error) }
            print("\(result.errors.count) error(s); \(result.plans.count) plan(s) valid")
            exit(1)
        }

    case "config":
        let parsed = try Arguments(arguments.dropFirst(), valued: ["config"])
        guard parsed.positional == ["check"] else { throw Arguments.UsageError(description: "usage: campaign-worker config check --config FILE") }
        let path = try parsed.required("config")
        let report = ConfigCheck(configPath: path, environment: ProcessInfo.processInfo.environment).run()
        if let effective = report.effectiveConfig { print(effective, terminator: "") }
        for note in report.notes { FileHandle.standardError.write(Data("note: \(note)\n".utf8)) }
        for problem in report.problems { FileHandle.standardError.write(Data("error: \(problem)\n".utf8)) }
        guard report.isValid else { fail("\(report.problems.count) problem(s) in the configuration from \(path)", code: 1) }
        FileHandle.standardError.write(Data("configuration OK: run can start with \(path)\n".utf8))

    case "simulate":
        let parsed = try Arguments(arguments.dropFirst(), valued: ["config", "plans", "events", "from", "until", "out"])
        let config = loadConfig(parsed.value("config"))
        let plans = loadPlans(try parsed.required("plans"), tiers: config.programme.tiers)
        let command = SimulateCommand(
            config: config, plans: plans, eventsPath: try parsed.required("events"),
            from: parseInstant(parsed.value("from"), option: "from"), until: parseInstant(parsed.value("until"), option: "until"),
            outPath: parsed.value("out"))
        do {
            let statistics = try command.run()
            Logger().info("simulate.finished", [
                ("applied", .int(statistics.applied)), ("duplicates", .int(statistics.duplicates)),
                ("ignoredUnknownType", .int(statistics.ignoredUnknownType)), ("deadLettered", .int(statistics.deadLettered)),
                ("erased", .int(statistics.erased)), ("skippedAfterUntil", .int(statistics.afterUntil)),
            ])
        } catch {
            fail(error.description, code: 1)
        }

    case "run":
        let parsed = try Arguments(arguments.dropFirst(), valued: ["config", "virtual-clock", "clock-rate", "clock-anchor"])
        let config = loadConfig(try parsed.required("config"))
        guard config.plansPath != nil || config.topics.plans != nil else {
            fail("the config names no plans: set plans.path (or CAMPAIGN_WORKER_PLANS_PATH) to a plan file or directory, or topics.plans", code: 1)
        }
        let clock: any WorkerClock
        if let start = parseInstant(parsed.value("virtual-clock"), option: "virtual-clock") {
            guard let rateText = parsed.value("clock-rate"), let rate = Double(rateText), rate > 0 else {
                throw Arguments.UsageError(description: "--virtual-clock needs --clock-rate R, a positive number")
            }
            clock = VirtualClock(start: start, rate: rate, anchor: parseInstant(parsed.value("clock-anchor"), option: "clock-anchor"))
        } else {
            guard parsed.value("clock-rate") == nil, parsed.value("clock-anchor") == nil else {
                throw Arguments.UsageError(description: "--clock-rate and --clock-anchor need --virtual-clock")
            }
            clock = SystemClock()
        }
        let stop = StopSignal()
        let logger = Logger(minimumLevel: config.logLevel)
        // The worker reads plans.path itself (and keeps re-reading it), so no plans are handed over here.
        let worker = Worker(config: config, plans: [], clock: clock, logger: logger)
        let signals = installStopSignals(stop) { worker.health.stopping() }
        let server = startOperationsServer(config: config, worker: worker, logger: logger)
        do {
            try worker.run(until: stop)
        } catch {
            logger.error("worker.failed", [("error", .string(error.description))])
            exit(1)
        }
        server.stop()
        withExtendedLifetime(signals) {}

    case "demo":
        let parsed = try Arguments(arguments.dropFirst(), valued: ["members", "year-seconds", "plans"], boolean: ["quiet"])
        var demo = Demo(quiet: parsed.flag("quiet"))
        if let text = parsed.value("members") {
            guard let members = Int(text), members >= 1, members <= 1_000_000 else { throw Arguments.UsageError(description: "--members must be a whole number from 1 to 1000000") }
            demo.members = members
        }
        if let text = parsed.value("year-seconds") {
            guard let seconds = Double(text), seconds >= 5, seconds <= 3600 else { throw Arguments.UsageError(description: "--year-seconds must be from 5 to 3600") }
            demo.yearSeconds = seconds
        }
        if let path = parsed.value("plans") { demo.plansPath = path }
        do {
            let summary = try demo.run(logger: Logger(minimumLevel: .warning))
            print(summary)
            if summary.duplicateJobIDs > 0 { exit(1) }
        } catch {
            fail(error.description, code: 1)
        }

    default:
        throw Arguments.UsageError(description: "unknown command \(command)")
    }
} catch let error as Arguments.UsageError {
    fail("\(error.description)\n\n\(usage)", code: 2)
}
