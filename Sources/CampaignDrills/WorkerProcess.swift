import CampaignDomain
import Foundation

/// One `campaign-worker run` process of a drill, on the drill's shared virtual timeline.
final class WorkerProcess {
    private let process = Process()
    /// Whether the drill ended it on purpose (kill -9 or SIGTERM); any other exit is a failure.
    private(set) var endedOnPurpose = false

    /// Starts the worker, as static member `instance` when given; its standard error (JSON log lines) goes to `log`.
    init(instance: String?, executable: String, config: String, clock: VirtualTimeline, log: URL) throws {
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = [
            "run", "--config", config, "--virtual-clock", clock.start.rfc3339, "--clock-rate", String(clock.rate),
            "--clock-anchor", clock.anchor.rfc3339,
        ]
        var environment = ProcessInfo.processInfo.environment
        environment["CAMPAIGN_WORKER_INSTANCE_ID"] = instance ?? ""
        process.environment = environment
        if !FileManager.default.fileExists(atPath: log.path) { _ = FileManager.default.createFile(atPath: log.path, contents: nil) }
        let handle = try FileHandle(forWritingTo: log)
        handle.seekToEndOfFile()
        process.standardError = handle
        process.standardOutput = handle
        try process.run()
    }

    var isRunning: Bool { process.isRunning }
    var exitCode: Int32 { process.terminationStatus }

    /// `kill -9`: no commit, no group leave.
    func kill9() {
        endedOnPurpose = true
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
    }

    /// SIGTERM: the worker commits what is done and leaves the group; kill -9 after `timeout` seconds.
    func stop(timeout: Double = 30) {
        endedOnPurpose = true
        guard process.isRunning else { return }
        process.terminate()
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning, Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
        if process.isRunning { kill9() }
        process.waitUntilExit()
    }
}

/// The drill's virtual clock, as every worker process reads it: V0 + (wall − W0) × rate.
struct VirtualTimeline {
    let start: Instant
    let rate: Double
    let anchor: Instant

    func now() -> Instant { at(wallMillis: SystemTime.now().epochMillis) }

    /// The virtual instant at a wall-clock millisecond since the epoch.
    func at(wallMillis: Int64) -> Instant {
        let elapsed = Double(wallMillis - anchor.epochMillis) * rate
        return start.adding(millis: Int64(elapsed.rounded(.down)))
    }

    /// Wall seconds since the anchor.
    var elapsed: Double { Double(SystemTime.now().epochMillis - anchor.epochMillis) / 1000 }
}

enum SystemTime {
    static func now() -> Instant { Instant(epochMillis: Int64((Date().timeIntervalSince1970 * 1000).rounded(.down))) }
}
