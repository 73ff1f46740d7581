import CampaignDomain
import Foundation

/// Loads plans from a JSON file or a directory of `*.json` files (read in name order).
public enum PlanLoader {
    public struct Result: Sendable {
        public var plans: [Plan]
        public var errors: [PlanError]
        /// The files that were read.
        public var files: [String]
    }

    /// - Parameter knownTiers: the programme's tiers, so plans naming another tier are rejected.
    public static func load(path: String, knownTiers: [String]? = nil) -> Result {
        guard FileManager.default.fileExists(atPath: path) else {
            return Result(plans: [], errors: [PlanError(source: path, path: "$", reason: "no such file or directory")], files: [])
        }
        let files = PlanDirectoryWatcher.files(at: path)
        var plans: [Plan] = []
        var errors: [PlanError] = []
        var seen: [String: String] = [:]
        for file in files {
            guard let data = FileManager.default.contents(atPath: file) else {
                errors.append(PlanError(source: file, path: "$", reason: "cannot read the file"))
                continue
            }
            let parsed = PlanParser(knownTiers: knownTiers).parse(Array(data), source: file)
            errors += parsed.errors
            for plan in parsed.plans {
                if let other = seen[plan.id] {
                    errors.append(PlanError(source: file, path: "$", reason: "plan id \"\(plan.id)\" is already defined in \(other)"))
                    continue
                }
                seen[plan.id] = file
                plans.append(plan)
            }
        }
        return Result(plans: plans, errors: errors, files: files)
    }
}
