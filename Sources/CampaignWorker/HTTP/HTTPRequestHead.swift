/// The request line and headers of one HTTP/1.x request (the operations endpoints never read a body).
public struct HTTPRequestHead: Sendable, Equatable {
    public var method: String
    /// The path of the request target, without the query string.
    public var path: String
    /// `HTTP/1.1` or `HTTP/1.0`.
    public var version: String
    /// Header fields in order; names as sent.
    public var headers: [Header]

    public struct Header: Sendable, Equatable {
        public var name: String
        public var value: String

        public init(name: String, value: String) {
            self.name = name
            self.value = value
        }
    }

    public init(method: String, path: String, version: String = "HTTP/1.1", headers: [Header] = []) {
        self.method = method
        self.path = path
        self.version = version
        self.headers = headers
    }

    /// The first header with this name (case-insensitive).
    public func header(_ name: String) -> String? {
        let wanted = name.lowercased()
        return headers.first { $0.name.lowercased() == wanted }?.value
    }

    /// Why a request head was refused, as the status to answer with.
    public struct ParseError: Error, Sendable, Equatable {
        public var status: Int
        public var reason: String
    }

    /// At most this many header fields are accepted.
    static let maxHeaders = 64

    /// Parses the bytes before the blank line that ends the head (`\r\n\r\n` excluded).
    public static func parse(_ bytes: ArraySlice<UInt8>) throws(ParseError) -> HTTPRequestHead {
        // Request lines and header fields are ASCII; anything else (or any control byte but HT) is refused.
        guard bytes.allSatisfy({ $0 == 0x09 || $0 == 0x0D || $0 == 0x0A || (0x20..<0x7F).contains($0) }) else {
            throw ParseError(status: 400, reason: "the request head contains bytes that are not printable ASCII")
        }
        let text = String(decoding: bytes, as: UTF8.self)
        var lines = text.split(separator: "\r\n", omittingEmptySubsequences: false)[...]
        guard let requestLine = lines.popFirst() else { throw ParseError(status: 400, reason: "empty request") }
        let parts = requestLine.split(separator: " ", omittingEmptySubsequences: false)
        guard parts.count == 3, !parts[0].isEmpty, parts[0].allSatisfy({ $0.isUppercase || $0 == "-" }) else {
            throw ParseError(status: 400, reason: "malformed request line")
        }
        let version = String(parts[2])
        guard version == "HTTP/1.1" || version == "HTTP/1.0" else {
            throw ParseError(status: version.hasPrefix("HTTP/") ? 505 : 400, reason: "only HTTP/1.1 and HTTP/1.0 are served")
        }
        let target = parts[1]
        guard target.hasPrefix("/") else { throw ParseError(status: 400, reason: "the request target must be a path") }
        let path = String(target.prefix { $0 != "?" && $0 != "#" })
        var headers: [Header] = []
        for line in lines {
            guard let first = line.first, first != " ", first != "\t" else {
                throw ParseError(status: 400, reason: "folded or empty header lines are not accepted")
            }
            guard let colon = line.firstIndex(of: ":"), colon != line.startIndex,
                line[..<colon].allSatisfy({ !$0.isWhitespace && $0 != "\r" && $0 != "\n" })
            else { throw ParseError(status: 400, reason: "malformed header field") }
            guard !line.contains("\r"), !line.contains("\n") else { throw ParseError(status: 400, reason: "bare CR or LF in a header") }
            headers.append(Header(name: String(line[..<colon]), value: line[line.index(after: colon)...].trimmingSpaces))
            guard headers.count <= maxHeaders else { throw ParseError(status: 431, reason: "too many header fields") }
        }
        let head = HTTPRequestHead(method: String(parts[0]), path: path, version: version, headers: headers)
        if version == "HTTP/1.1", head.header("host") == nil {
            throw ParseError(status: 400, reason: "HTTP/1.1 requests must carry a Host header")
        }
        return head
    }
}

extension Substring {
    /// Without leading and trailing spaces and tabs (optional whitespace around a header value).
    fileprivate var trimmingSpaces: String {
        String(drop { $0 == " " || $0 == "\t" }.reversed().drop { $0 == " " || $0 == "\t" }.reversed())
    }
}
