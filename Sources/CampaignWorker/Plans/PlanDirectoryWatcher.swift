import Foundation

/// Notices plan files that were added, changed or removed under a plan path (a file or a directory of `*.json`).
///
/// Compares file contents on each scan: plan directories are small, and contents are what matter, not timestamps
/// (a ConfigMap update swaps a symlink without touching the files' times).
public struct PlanDirectoryWatcher: Sendable {
    public let path: String
    private var seen: [String: [UInt8]] = [:]

    public init(path: String) { self.path = path }

    /// The files whose contents differ from the last scan (nil bytes: removed), in name order.
    public mutating func scan() -> [(file: String, bytes: [UInt8]?)] {
        var current: [String: [UInt8]] = [:]
        for file in Self.files(at: path) {
            if let data = FileManager.default.contents(atPath: file) { current[file] = Array(data) }
        }
        var changes: [(file: String, bytes: [UInt8]?)] = []
        for file in Set(current.keys).union(seen.keys).sorted() where current[file] != seen[file] {
            changes.append((file, current[file]))
        }
        seen = current
        return changes
    }

    /// The plan files at `path`: the file itself, or the directory's `*.json` files in name order.
    public static func files(at path: String) -> [String] {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else { return [] }
        guard isDirectory.boolValue else { return [path] }
        let names = (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []
        return names.filter { $0.hasSuffix(".json") && !$0.hasPrefix(".") }.sorted().map { (path as NSString).appendingPathComponent($0) }
    }
}
