/// Where the HTTP server listens: `HOST:PORT`, with IPv6 hosts in brackets (`[::]:9464`).
///
/// An empty host or `*` means every interface. Port 0 lets the system pick a free port (tests use it).
public struct ListenAddress: Sendable, Hashable, CustomStringConvertible {
    /// The host as given (a name, an IPv4 address or an IPv6 address without brackets); empty for every interface.
    public var host: String
    public var port: Int

    public init(host: String, port: Int) {
        self.host = host
        self.port = port
    }

    /// Parses `HOST:PORT`; nil when it is not that shape or the port is outside 0…65535.
    public init?(_ text: String) {
        guard let colon = text.lastIndex(of: ":") else { return nil }
        var host = String(text[..<colon])
        let portText = text[text.index(after: colon)...]
        guard !portText.isEmpty, portText.allSatisfy(\.isASCII), portText.allSatisfy(\.isNumber), portText.count <= 5,
            let port = Int(portText), (0...65_535).contains(port)
        else { return nil }
        if host.hasPrefix("[") || host.hasSuffix("]") {
            guard host.hasPrefix("["), host.hasSuffix("]"), host.count > 2 else { return nil }
            host = String(host.dropFirst().dropLast())
            guard host.allSatisfy({ $0.isHexDigit || $0 == ":" || $0 == "." }) else { return nil }
        } else {
            // An unbracketed IPv6 address is ambiguous with the port separator.
            guard !host.contains(":") else { return nil }
            guard host.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "." || $0 == "-" || $0 == "*") }) else {
                return nil
            }
        }
        self.host = host == "*" ? "" : host
        self.port = port
    }

    public var description: String {
        host.contains(":") ? "[\(host)]:\(port)" : "\(host.isEmpty ? "*" : host):\(port)"
    }
}
