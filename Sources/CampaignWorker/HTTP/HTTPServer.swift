import Foundation
import Glibc
import Synchronization

/// A small HTTP/1.1 server on the toolchain's sockets, for the operations endpoints.
///
/// One dedicated thread multiplexes every connection with `poll(2)` on non-blocking sockets, so a slow or idle client
/// never holds up a concurrent scrape. Each connection answers one request and closes (`Connection: close`). Request
/// heads are bounded (`Limits.maxHeadBytes`, else 431), and so is the time a client may take to send its request or
/// to read the answer (else the connection is dropped). Bodies are never read.
/// - Important: `handler` runs on the server thread and must be quick (rendering metrics is).
public final class HTTPServer: Sendable {
    public struct Limits: Sendable {
        /// Largest request head (request line and headers) accepted.
        public var maxHeadBytes = 8 * 1024
        /// Connections served at once; more wait in the listen backlog.
        public var maxConnections = 64
        /// How long a client may take to send its request head.
        public var readTimeout: Duration = .seconds(5)
        /// How long a client may take to read the response.
        public var writeTimeout: Duration = .seconds(10)

        public init() {}
    }

    /// The address the server was asked to listen on.
    public let address: ListenAddress
    /// The port it is bound to (the system's choice when `address.port` was 0).
    public let port: Int
    private let limits: Limits
    private let handler: @Sendable (HTTPRequestHead) -> HTTPResponse
    private let logger: Logger
    private let listener: Int32
    /// The self-pipe that wakes `poll` for shutdown: [read end, write end].
    private let wake: (read: Int32, write: Int32)
    private let state = Mutex(Phase.created)
    private let finished = DispatchSemaphore(value: 0)

    private enum Phase { case created, running, stopping, stopped }

    /// Binds and listens on `address` (the thread starts with `start`).
    public init(
        address: ListenAddress, limits: Limits = Limits(), logger: Logger,
        handler: @escaping @Sendable (HTTPRequestHead) -> HTTPResponse
    ) throws(HTTPServerError) {
        self.address = address
        self.limits = limits
        self.logger = logger
        self.handler = handler
        let listener = try Self.listen(on: address)
        var fds: [Int32] = [0, 0]
        guard pipe(&fds) == 0 else {
            let error = HTTPServerError(address: address, call: "pipe", errno: errno)
            close(listener)
            throw error
        }
        for fd in fds { Self.makeNonBlocking(fd) }
        self.listener = listener
        self.wake = (fds[0], fds[1])
        self.port = Self.boundPort(listener) ?? address.port
    }

    deinit {
        // Only when `start` never ran: the server thread closes everything itself.
        if state.withLock({ $0 == .created }) {
            close(listener)
            close(wake.read)
            close(wake.write)
        }
    }

    /// Starts the server thread.
    public func start() {
        let first = state.withLock { phase in
            defer { if phase == .created { phase = .running } }
            return phase == .created
        }
        guard first else { return }
        let thread = Thread { [self] in
            serve()
            finished.signal()
        }
        thread.name = "campaign-worker-http"
        thread.start()
        logger.info("http.listening", [("address", .string(address.description)), ("port", .int(port))])
    }

    /// Stops accepting, closes every connection and waits for the server thread to end. Idempotent.
    public func stop() {
        let running = state.withLock { phase in
            guard phase == .running else { return false }
            phase = .stopping
            // Under the lock: the server thread closes this descriptor under the same lock when it ends.
            var byte: UInt8 = 1
            _ = Glibc.write(wake.write, &byte, 1)
            return true
        }
        if running { finished.wait() }
    }

    // MARK: Sockets

    private static func listen(on address: ListenAddress) throws(HTTPServerError) -> Int32 {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV
        var list: UnsafeMutablePointer<addrinfo>?
        let status = getaddrinfo(address.host.isEmpty ? nil : address.host, String(address.port), &hints, &list)
        guard status == 0, let list else {
            throw HTTPServerError(address: address, message: "cannot resolve the host: \(String(cString: gai_strerror(status)))")
        }
        defer { freeaddrinfo(list) }
        var lastError = HTTPServerError(address: address, message: "the host resolves to no address")
        var candidate: UnsafeMutablePointer<addrinfo>? = list
        // With no host, prefer the IPv6 wildcard, which also accepts IPv4 when IPV6_V6ONLY is off.
        var candidates: [UnsafeMutablePointer<addrinfo>] = []
        while let current = candidate {
            candidates.append(current)
            candidate = current.pointee.ai_next
        }
        if address.host.isEmpty { candidates.sort { $0.pointee.ai_family == AF_INET6 && $1.pointee.ai_family != AF_INET6 } }
        for info in candidates {
            let fd = socket(info.pointee.ai_family, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue) | Int32(SOCK_NONBLOCK.rawValue), 0)
            guard fd >= 0 else {
                lastError = HTTPServerError(address: address, call: "socket", errno: errno)
                continue
            }
            var one: Int32 = 1
            var zero: Int32 = 0
            setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
            if info.pointee.ai_family == AF_INET6 {
                setsockopt(fd, Int32(IPPROTO_IPV6), IPV6_V6ONLY, &zero, socklen_t(MemoryLayout<Int32>.size))
            }
            guard bind(fd, info.pointee.ai_addr, info.pointee.ai_addrlen) == 0 else {
                lastError = HTTPServerError(address: address, call: "bind", errno: errno)
                close(fd)
                continue
            }
            guard Glibc.listen(fd, 128) == 0 else {
                lastError = HTTPServerError(address: address, call: "listen", errno: errno)
                close(fd)
                continue
            }
            return fd
        }
        throw lastError
    }

    /// Non-blocking, and closed in child processes.
    private static func makeNonBlocking(_ fd: Int32) {
        _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
        _ = fcntl(fd, F_SETFD, fcntl(fd, F_GETFD) | FD_CLOEXEC)
    }

    private static func boundPort(_ fd: Int32) -> Int? {
        var storage = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        let ok = withUnsafeMutablePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) == 0 }
        }
        guard ok else { return nil }
        switch Int32(storage.ss_family) {
        case AF_INET:
            return withUnsafePointer(to: &storage) { $0.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { Int(UInt16(bigEndian: $0.pointee.sin_port)) } }
        case AF_INET6:
            return withUnsafePointer(to: &storage) { $0.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { Int(UInt16(bigEndian: $0.pointee.sin6_port)) } }
        default:
            return nil
        }
    }

    // MARK: The server thread

    /// One client connection and where it is in its single exchange.
    private struct Connection {
        enum Phase {
            /// Reading the request head.
            case reading
            /// Writing the response from `sent`.
            case writing
            /// Response sent and write side shut: reading to end of stream so closing never resets the response.
            case draining
        }

        var fd: Int32
        var phase = Phase.reading
        var input: [UInt8] = []
        var output: [UInt8] = []
        var sent = 0
        var deadline: ContinuousClock.Instant
    }

    private func serve() {
        var connections: [Connection] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        defer {
            for connection in connections { close(connection.fd) }
            close(listener)
            close(wake.read)
            state.withLock { phase in
                close(wake.write)
                phase = .stopped
            }
        }
        while true {
            var fds = [pollfd(fd: wake.read, events: Int16(POLLIN), revents: 0)]
            let accepting = connections.count < limits.maxConnections
            if accepting { fds.append(pollfd(fd: listener, events: Int16(POLLIN), revents: 0)) }
            let first = fds.count
            for connection in connections {
                fds.append(pollfd(fd: connection.fd, events: Int16(connection.phase == .writing ? POLLOUT : POLLIN), revents: 0))
            }
            let now = ContinuousClock.now
            let wait = connections.map { now.duration(to: $0.deadline) }.min().map { max(0, Self.milliseconds($0) + 1) } ?? -1
            let ready = poll(&fds, nfds_t(fds.count), Int32(clamping: wait))
            if ready < 0, errno != EINTR {
                logger.error("http.poll_failed", [("errno", .int(Int(errno)))])
                return
            }
            if fds[0].revents != 0 { return }  // stop() woke us
            // Serve the existing connections first; their indexes match `fds` from `first` on.
            var open: [Connection] = []
            for (index, var connection) in connections.enumerated() {
                let events = fds[first + index].revents
                if events != 0, service(&connection, events: events, buffer: &buffer) == false {
                    close(connection.fd)
                    continue
                }
                if ContinuousClock.now >= connection.deadline {
                    close(connection.fd)  // too slow to send its request or to read the answer
                    continue
                }
                open.append(connection)
            }
            connections = open
            if accepting, fds[1].revents & Int16(POLLIN) != 0 {
                while connections.count < limits.maxConnections {
                    let fd = accept(listener, nil, nil)
                    guard fd >= 0 else {
                        if errno != EAGAIN, errno != EWOULDBLOCK, errno != EINTR, errno != ECONNABORTED {
                            logger.warning("http.accept_failed", [("errno", .int(Int(errno)))])
                        }
                        break
                    }
                    Self.makeNonBlocking(fd)
                    connections.append(Connection(fd: fd, deadline: .now + limits.readTimeout))
                }
            }
        }
    }

    /// Reads, answers or writes as the connection's events allow; false when it should be closed now.
    private func service(_ connection: inout Connection, events: Int16, buffer: inout [UInt8]) -> Bool {
        switch connection.phase {
        case .reading:
            let count = recv(connection.fd, &buffer, buffer.count, 0)
            if count < 0 { return errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR }
            if count == 0 { return false }  // the client went away before finishing its request
            connection.input += buffer[0..<count]
            if let end = Self.endOfHead(connection.input) {
                respond(&connection, head: connection.input[..<end])
            } else if connection.input.count > limits.maxHeadBytes {
                queue(&connection, .error(431, "request head larger than \(limits.maxHeadBytes) bytes"), includeBody: true)
            } else {
                return true
            }
            return flush(&connection)
        case .writing:
            return flush(&connection)
        case .draining:
            let count = recv(connection.fd, &buffer, buffer.count, 0)
            if count < 0 { return errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR }
            return count > 0
        }
    }

    private func respond(_ connection: inout Connection, head: ArraySlice<UInt8>) {
        do {
            let request = try HTTPRequestHead.parse(head)
            queue(&connection, handler(request), includeBody: request.method != "HEAD")
        } catch {
            queue(&connection, .error(error.status, error.reason), includeBody: true)
        }
    }

    private func queue(_ connection: inout Connection, _ response: HTTPResponse, includeBody: Bool) {
        connection.output = response.serialized(includeBody: includeBody)
        connection.sent = 0
        connection.phase = .writing
        connection.input = []
        connection.deadline = .now + limits.writeTimeout
    }

    /// Sends what the socket takes; once everything is sent, shuts the write side and drains.
    private func flush(_ connection: inout Connection) -> Bool {
        while connection.sent < connection.output.count {
            let count = connection.output[connection.sent...].withUnsafeBytes {
                send(connection.fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL))
            }
            if count < 0 { return errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR }
            connection.sent += count
        }
        shutdown(connection.fd, Int32(SHUT_WR))
        connection.phase = .draining
        connection.output = []
        // A well-behaved client closes right after reading the response; don't wait long for one that doesn't.
        connection.deadline = min(connection.deadline, .now + .seconds(1))
        return true
    }

    /// The index just past the `\r\n\r\n` that ends the head, or nil.
    static func endOfHead(_ bytes: [UInt8]) -> Int? {
        guard bytes.count >= 4 else { return nil }
        for index in 0...(bytes.count - 4)
        where bytes[index] == 0x0D && bytes[index + 1] == 0x0A && bytes[index + 2] == 0x0D && bytes[index + 3] == 0x0A {
            return index
        }
        return nil
    }

    static func milliseconds(_ duration: Duration) -> Int {
        let (seconds, attoseconds) = duration.components
        return Int(seconds) * 1000 + Int(attoseconds / 1_000_000_000_000_000)
    }
}

/// The HTTP server could not start, with what to change.
public struct HTTPServerError: Error, Sendable, CustomStringConvertible {
    public var address: ListenAddress
    public var message: String

    public init(address: ListenAddress, message: String) {
        self.address = address
        self.message = message
    }

    init(address: ListenAddress, call: String, errno code: Int32) {
        let reason = String(cString: strerror(code))
        let hint = code == EADDRINUSE ? "; another process uses the port: set http.listen to a free one" : code == EACCES ? "; ports below 1024 need privileges: use a higher port" : ""
        self.init(address: address, message: "\(call) failed: \(reason)\(hint)")
    }

    public var description: String { "cannot serve HTTP on \(address) (http.listen): \(message)" }
}
