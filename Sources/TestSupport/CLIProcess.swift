import Foundation
import Synchronization

/// The `campaign-worker` executable run as a child process, with its output captured.
///
/// The executable is the one `swift build --build-tests` put next to the test bundle.
public final class CLIProcess: Sendable {
    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    /// What a finished process left behind.
    public struct Result: Sendable {
        public var status: Int32
        public var standardOutput: String
        public var standardError: String
    }

    /// The built executable: beside the test bundle (the products directory).
    public static func executable() throws -> URL {
        let bundle = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        for directory in [bundle.deletingLastPathComponent(), bundle.deletingLastPathComponent().deletingLastPathComponent()] {
            let candidate = directory.appendingPathComponent("campaign-worker")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
        }
        throw Failure(description: "campaign-worker is not built next to \(bundle.path); run `swift build --build-tests` first")
    }

    /// The child process; Process is not Sendable, so it is only reached through the lock.
    private let process: Mutex<Process>
    private let output = Mutex(([UInt8](), [UInt8]()))
    private let readers = DispatchGroup()

    /// Starts `campaign-worker` with `arguments`; `environment` replaces the inherited one (PATH is kept).
    public init(_ arguments: [String], environment: [String: String] = [:]) throws {
        let process = Process()
        process.executableURL = try Self.executable()
        process.arguments = arguments
        var env = ["PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"]
        for (key, value) in environment { env[key] = value }
        process.environment = env
        let stdout = Pipe(), stderr = Pipe()
        process.standardOutput = stdout
        process.standardError = stderr
        process.standardInput = FileHandle.nullDevice
        try process.run()
        self.process = Mutex(process)
        for (pipe, isError) in [(stdout, false), (stderr, true)] {
            let handle = pipe.fileHandleForReading
            DispatchQueue.global().async(group: readers) { [self] in
                let data = handle.readDataToEndOfFile()
                output.withLock { if isError { $0.1 += data } else { $0.0 += data } }
            }
        }
    }

    /// Sends a signal (e.g. SIGTERM) to the process.
    public func signal(_ number: Int32) {
        let pid = process.withLock { $0.processIdentifier }
        kill(pid, number)
    }

    /// What the process wrote to standard error so far.
    public var standardErrorSoFar: String { output.withLock { String(decoding: $0.1, as: UTF8.self) } }

    /// Waits for the process to exit (or kills it after `timeout` seconds and throws).
    public func wait(timeout: Double = 60) throws -> Result {
        let deadline = Date().addingTimeInterval(timeout)
        while process.withLock({ $0.isRunning }) {
            guard Date() < deadline else {
                signal(SIGKILL)
                throw Failure(description: "campaign-worker did not exit within \(timeout) s; stderr: \(standardErrorSoFar)")
            }
            Thread.sleep(forTimeInterval: 0.01)
        }
        readers.wait()
        let status = process.withLock { $0.terminationStatus }
        return output.withLock {
            Result(status: status, standardOutput: String(decoding: $0.0, as: UTF8.self), standardError: String(decoding: $0.1, as: UTF8.self))
        }
    }

    /// Runs a command to completion.
    public static func run(_ arguments: [String], environment: [String: String] = [:], timeout: Double = 60) throws -> Result {
        try CLIProcess(arguments, environment: environment).wait(timeout: timeout)
    }
}
