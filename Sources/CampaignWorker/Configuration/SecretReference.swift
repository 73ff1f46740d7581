import Foundation

/// Where a `kafka` property's value comes from instead of the config file: a file or an environment variable.
///
/// Written in the config as `{"file": "/run/secrets/kafka-password"}` or `{"env": "KAFKA_PASSWORD"}`, so the file itself
/// holds no secret. Resolved when the config is loaded; the value is never logged or printed.
public enum SecretReference: Sendable, Hashable, CustomStringConvertible {
    /// The file's contents, without trailing line breaks (as `echo` and Kubernetes secrets often leave them).
    case file(String)
    /// The environment variable's value.
    case environment(String)

    /// The largest secret file read.
    public static let maxFileBytes = 64 * 1024

    public var description: String {
        switch self {
        case .file(let path): "file \(path)"
        case .environment(let name): "environment variable \(name)"
        }
    }

    /// The value, or an error naming the property, the source and the fix (never the value).
    public func resolve(for property: String, environment: [String: String]) throws(ConfigError) -> String {
        let location = "kafka.\(property)"
        switch self {
        case .environment(let name):
            guard let value = environment[name] else {
                throw ConfigError(location, "environment variable \(name) is not set; set it or change the reference")
            }
            guard !value.isEmpty else { throw ConfigError(location, "environment variable \(name) is empty") }
            return value
        case .file(let path):
            guard let handle = FileHandle(forReadingAtPath: path) else {
                let reason = FileManager.default.fileExists(atPath: path) ? "cannot be read (check its permissions)" : "does not exist (mount the secret or fix the path)"
                throw ConfigError(location, "secret file \(path) \(reason)")
            }
            defer { try? handle.close() }
            let data = (try? handle.read(upToCount: Self.maxFileBytes + 1)) ?? Data()
            guard data.count <= Self.maxFileBytes else {
                throw ConfigError(location, "secret file \(path) is larger than \(Self.maxFileBytes) bytes; is it the right file?")
            }
            var bytes = [UInt8](data)
            while let last = bytes.last, last == 0x0A || last == 0x0D { bytes.removeLast() }
            guard !bytes.isEmpty else { throw ConfigError(location, "secret file \(path) is empty") }
            guard let value = String(validating: bytes, as: UTF8.self) else {
                throw ConfigError(location, "secret file \(path) is not UTF-8 text")
            }
            return value
        }
    }
}
