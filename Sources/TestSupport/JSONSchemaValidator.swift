import CampaignDomain
import Foundation
import Synchronization

/// Validates JSON against the JSON Schema (draft-07) files in one directory, for the subset of keywords the
/// repository's schemas use.
///
/// Supported: `$ref` (within a file and to a sibling file, `other.schema.json#/definitions/x`), `type`, `enum`,
/// `const`, `required`, `properties`, `additionalProperties`, `minProperties`, `maxProperties`, `items`, `minItems`,
/// `maxItems`, `uniqueItems`, `minimum`, `maximum`, `minLength`, `maxLength`, `pattern`, `format` (`date-time`, `date`),
/// `allOf`, `anyOf`, `oneOf`, `not`; annotations are ignored. A schema using any other keyword or format is an error
/// (`SchemaError`), so a keyword this validator does not check can never pass silently.
public final class JSONSchemaValidator: Sendable {
    public let directory: String
    private let cache = Mutex<[String: JSONValue]>([:])

    public init(directory: String) {
        self.directory = directory
    }

    /// A place where the instance does not match.
    public struct Violation: Sendable, Equatable, CustomStringConvertible {
        /// JSON path into the instance, e.g. `$.trigger.firedAt`.
        public var path: String
        public var message: String
        public var description: String { "\(path): \(message)" }
    }

    /// The schema itself is broken or uses something this validator does not support.
    public struct SchemaError: Error, CustomStringConvertible {
        public var description: String
    }

    static let annotations: Set<String> = ["$schema", "$id", "title", "description", "definitions", "default", "examples", "$comment"]
    static let keywords: Set<String> = [
        "$ref", "type", "enum", "const", "required", "properties", "additionalProperties", "minProperties", "maxProperties",
        "items", "minItems", "maxItems", "uniqueItems", "minimum", "maximum", "minLength", "maxLength", "pattern", "format",
        "allOf", "anyOf", "oneOf", "not",
    ]

    /// Every violation of `file`'s schema by `value` (empty when it is valid).
    public func validate(_ value: JSONValue, against file: String) throws(SchemaError) -> [Violation] {
        try check(value, try schema(file, pointer: ""), file: file, path: "$")
    }

    /// The parsed schema file, or the sub-schema at a JSON pointer in it.
    func schema(_ file: String, pointer: String) throws(SchemaError) -> JSONValue {
        let root: JSONValue
        if let cached = cache.withLock({ $0[file] }) {
            root = cached
        } else {
            guard let data = FileManager.default.contents(atPath: (directory as NSString).appendingPathComponent(file)) else {
                throw SchemaError(description: "schema \(file) not found in \(directory)")
            }
            do {
                root = try JSONParser.parse(Array(data))
            } catch {
                throw SchemaError(description: "schema \(file) is not JSON: \(error)")
            }
            cache.withLock { $0[file] = root }
        }
        var current = root
        for token in pointer.split(separator: "/", omittingEmptySubsequences: true) {
            let key = token.replacingOccurrences(of: "~1", with: "/").replacingOccurrences(of: "~0", with: "~")
            guard let next = current.objectValue?[key] else { throw SchemaError(description: "\(file)#\(pointer) does not exist") }
            current = next
        }
        return current
    }

    private func check(_ value: JSONValue, _ schema: JSONValue, file: String, path: String) throws(SchemaError) -> [Violation] {
        if case .bool(let allowed) = schema { return allowed ? [] : [Violation(path: path, message: "no value is allowed here")] }
        guard let keywords = schema.objectValue else { throw SchemaError(description: "\(file): a schema must be an object or a boolean") }
        for key in keywords.keys where !Self.keywords.contains(key) && !Self.annotations.contains(key) {
            throw SchemaError(description: "\(file): keyword \(key) is not supported by this validator")
        }
        if let reference = keywords["$ref"]?.stringValue {
            // Draft-07: a $ref replaces its siblings.
            let parts = reference.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false)
            let target = parts[0].isEmpty ? file : String(parts[0])
            return try check(value, try self.schema(target, pointer: parts.count > 1 ? String(parts[1]) : ""), file: target, path: path)
        }
        var violations: [Violation] = []
        func fail(_ message: String) { violations.append(Violation(path: path, message: message)) }

        if let type = keywords["type"] {
            let names = type.arrayValue?.compactMap(\.stringValue) ?? type.stringValue.map { [$0] } ?? []
            guard !names.isEmpty else { throw SchemaError(description: "\(file): type must be a name or an array of names") }
            if !names.contains(where: { Self.hasType(value, $0) }) { fail("is \(value.typeName), expected \(names.joined(separator: " or "))") }
        }
        if let options = keywords["enum"]?.arrayValue, !options.contains(where: { Self.equal($0, value) }) {
            fail("is not one of the allowed values")
        }
        if let constant = keywords["const"], !Self.equal(constant, value) { fail("must be \(Self.render(constant))") }
        if let minimum = keywords["minimum"].flatMap(Self.number), let number = Self.number(value), number < minimum {
            fail("is below the minimum \(Self.render(keywords["minimum"]!))")
        }
        if let maximum = keywords["maximum"].flatMap(Self.number), let number = Self.number(value), number > maximum {
            fail("is above the maximum \(Self.render(keywords["maximum"]!))")
        }
        if case .string(let text) = value {
            if let minimum = keywords["minLength"]?.intValue, text.unicodeScalars.count < minimum { fail("is shorter than \(minimum)") }
            if let maximum = keywords["maxLength"]?.intValue, text.unicodeScalars.count > maximum { fail("is longer than \(maximum)") }
            if let pattern = keywords["pattern"]?.stringValue {
                guard let regex = try? NSRegularExpression(pattern: Self.ecmaAnchored(pattern)) else {
                    throw SchemaError(description: "\(file): bad pattern \(pattern)")
                }
                if regex.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) == nil { fail("does not match \(pattern)") }
            }
            if let format = keywords["format"]?.stringValue {
                switch format {
                case "date-time":
                    if Instant(rfc3339: text) == nil || !(text.contains("T") || text.contains("t")) { fail("is not an RFC 3339 date-time") }
                case "date":
                    if text.utf8.count != 10 || Instant(rfc3339: text + "T00:00:00Z") == nil { fail("is not a date YYYY-MM-DD") }
                default:
                    throw SchemaError(description: "\(file): format \(format) is not supported by this validator")
                }
            }
        }
        if case .object(let object) = value {
            for name in keywords["required"]?.arrayValue?.compactMap(\.stringValue) ?? [] where object[name] == nil {
                fail("misses required member \"\(name)\"")
            }
            if let minimum = keywords["minProperties"]?.intValue, object.members.count < minimum { fail("has fewer than \(minimum) members") }
            if let maximum = keywords["maxProperties"]?.intValue, object.members.count > maximum { fail("has more than \(maximum) members") }
            let properties = keywords["properties"]?.objectValue ?? JSONObject()
            for member in object.members {
                let memberPath = "\(path).\(member.key)"
                if let property = properties[member.key] {
                    violations += try check(member.value, property, file: file, path: memberPath)
                } else if let additional = keywords["additionalProperties"] {
                    if additional.boolValue == false {
                        violations.append(Violation(path: memberPath, message: "is not an allowed member"))
                    } else {
                        violations += try check(member.value, additional, file: file, path: memberPath)
                    }
                }
            }
        }
        if case .array(let elements) = value {
            if let minimum = keywords["minItems"]?.intValue, elements.count < minimum { fail("has fewer than \(minimum) items") }
            if let maximum = keywords["maxItems"]?.intValue, elements.count > maximum { fail("has more than \(maximum) items") }
            if keywords["uniqueItems"]?.boolValue == true {
                for (index, element) in elements.enumerated() where elements[..<index].contains(where: { Self.equal($0, element) }) {
                    fail("has a repeated item at [\(index)]")
                }
            }
            if let items = keywords["items"] {
                for (index, element) in elements.enumerated() {
                    violations += try check(element, items, file: file, path: "\(path)[\(index)]")
                }
            }
        }
        for sub in keywords["allOf"]?.arrayValue ?? [] {
            violations += try check(value, sub, file: file, path: path)
        }
        if let options = keywords["anyOf"]?.arrayValue {
            var matched = false
            for option in options where try check(value, option, file: file, path: path).isEmpty {
                matched = true
                break
            }
            if !matched { fail("matches none of the anyOf alternatives") }
        }
        if let options = keywords["oneOf"]?.arrayValue {
            var results: [[Violation]] = []
            for option in options { results.append(try check(value, option, file: file, path: path)) }
            let matches = results.filter(\.isEmpty).count
            if matches != 1 {
                // With no match, the closest alternative's problems say the most.
                let closest = results.min { $0.count < $1.count }.map { ": " + $0.map(\.description).joined(separator: "; ") } ?? ""
                fail(matches == 0 ? "matches none of the oneOf alternatives\(closest)" : "matches \(matches) of the oneOf alternatives, not exactly one")
            }
        }
        if let negated = keywords["not"], try check(value, negated, file: file, path: path).isEmpty {
            fail("matches a schema it must not match")
        }
        return violations
    }

    /// JSON Schema patterns are ECMA-262, where a final `$` matches only at the end of the input; in ICU it also matches
    /// before a final line terminator, so it becomes `\z`.
    static func ecmaAnchored(_ pattern: String) -> String {
        guard pattern.hasSuffix("$"), !pattern.hasSuffix("\\$") else { return pattern }
        return String(pattern.dropLast()) + "\\z"
    }

    static func hasType(_ value: JSONValue, _ name: String) -> Bool {
        switch (name, value) {
        case ("null", .null), ("boolean", .bool), ("string", .string), ("array", .array), ("object", .object), ("number", .number): true
        case ("integer", .number(let text)): Int64(text) != nil || (Double(text).map { $0 == $0.rounded() } ?? false)
        default: false
        }
    }

    static func number(_ value: JSONValue) -> Double? {
        if case .number(let text) = value { Double(text) } else { nil }
    }

    /// JSON equality: numbers by value, objects regardless of member order.
    static func equal(_ lhs: JSONValue, _ rhs: JSONValue) -> Bool {
        switch (lhs, rhs) {
        case (.number(let a), .number(let b)): Double(a) == Double(b)
        case (.array(let a), .array(let b)): a.count == b.count && zip(a, b).allSatisfy { equal($0, $1) }
        case (.object(let a), .object(let b)):
            a.members.count == b.members.count && a.members.allSatisfy { member in b[member.key].map { equal(member.value, $0) } ?? false }
        default: lhs == rhs
        }
    }

    static func render(_ value: JSONValue) -> String {
        var writer = JSONWriter()
        writer.value(value)
        return writer.string
    }
}
