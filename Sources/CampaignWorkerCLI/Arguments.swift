/// Minimal `--flag value` parsing for the subcommands; unknown or missing options are usage errors.
struct Arguments {
    private(set) var positional: [String] = []
    private var options: [String: String] = [:]
    private var flags: Set<String> = []

    struct UsageError: Error, CustomStringConvertible {
        var description: String
    }

    /// - Parameters:
    ///   - valued: options that take a value (`--config FILE`).
    ///   - boolean: options without a value (`--quiet`).
    init(_ arguments: ArraySlice<String>, valued: Set<String>, boolean: Set<String> = []) throws(UsageError) {
        var iterator = arguments.makeIterator()
        while let argument = iterator.next() {
            if argument.hasPrefix("--") {
                var name = String(argument.dropFirst(2))
                var inlineValue: String?
                if let equals = name.firstIndex(of: "=") {
                    inlineValue = String(name[name.index(after: equals)...])
                    name = String(name[..<equals])
                }
                if boolean.contains(name) {
                    flags.insert(name)
                } else if valued.contains(name) {
                    guard let value = inlineValue ?? iterator.next() else { throw UsageError(description: "--\(name) needs a value") }
                    options[name] = value
                } else {
                    throw UsageError(description: "unknown option --\(name)")
                }
            } else {
                positional.append(argument)
            }
        }
    }

    func value(_ name: String) -> String? { options[name] }
    func flag(_ name: String) -> Bool { flags.contains(name) }

    func required(_ name: String) throws(UsageError) -> String {
        guard let value = options[name] else { throw UsageError(description: "missing --\(name)") }
        return value
    }
}
