import CampaignDomain
import Foundation

/// The repository's JSON Schemas (`schemas/`), and which one each kind of record must match.
public enum ContractSchemas {
    public static let validator = JSONSchemaValidator(directory: Repository.root + "/schemas")

    /// The schema file for a job or decision, by its `schema` member.
    public static let outputSchemas = [
        "coupon-job/1": "coupon-job.schema.json",
        "notification-job/1": "notification-job.schema.json",
        "decision/1": "decision.schema.json",
    ]

    /// A record that does not match its schema.
    public struct Mismatch: Error, CustomStringConvertible {
        public var description: String
    }

    /// Checks a job or decision the worker produced against the schema its `schema` member names.
    public static func checkOutput(_ object: JSONObject) throws {
        guard let name = object["schema"]?.stringValue, let file = outputSchemas[name] else {
            throw Mismatch(description: "output record without a known \"schema\": \(object["schema"].map { "\($0)" } ?? "none")")
        }
        try check(.object(object), against: file)
    }

    /// Throws listing every violation of `file`'s schema.
    public static func check(_ value: JSONValue, against file: String) throws {
        let violations = try validator.validate(value, against: file)
        guard violations.isEmpty else {
            throw Mismatch(description: "does not match \(file): " + violations.map(\.description).joined(separator: "; "))
        }
    }
}
