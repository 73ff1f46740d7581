import CampaignWorker
import Foundation
import Glibc
import Synchronization
import TestSupport
import Testing

@Suite(.timeLimit(.minutes(1))) struct HTTPServerTests {
    /// A server on a free loopback port answering every request with its method and path.
    func withServer(limits: HTTPServer.Limits = HTTPServer.Limits(), _ body: (HTTPServer) throws -> Void) throws {
        let server = try HTTPServer(address: ListenAddress(host: "127.0.0.1", port: 0), limits: limits, logger: Logger(minimumLevel: .error)) {
            HTTPResponse(status: 200, body: "\($0.method) \($0.path)")
        }
        server.start()
        defer { server.stop() }
        try body(server)
    }

    @Test func answersOneRequestPerConnectionAndCloses() throws {
        try withServer { server in
            #expect(server.port > 0)
            let response = try HTTPTestClient.request("GET", "/metrics?x=1", port: server.port)
            #expect(response.status == 200)
            #expect(response.body == "GET /metrics")
            #expect(response.headers["content-length"] == "12")
            #expect(response.headers["connection"] == "close")
            let head = try HTTPTestClient.request("HEAD", "/metrics", port: server.port)
            #expect(head.status == 200 && head.body.isEmpty && head.headers["content-length"] == "13")
        }
    }

    @Test func refusesOversizedAndMalformedRequests() throws {
        var limits = HTTPServer.Limits()
        limits.maxHeadBytes = 1024
        try withServer(limits: limits) { server in
            let huge = "GET / HTTP/1.1\r\nHost: x\r\nX-Fill: " + String(repeating: "a", count: 4096) + "\r\n\r\n"
            let tooLarge = try HTTPTestClient.parse(HTTPTestClient.exchange(Array(huge.utf8), port: server.port))
            #expect(tooLarge.status == 431)
            let bad = "GET / HTTP/1.1\r\n\r\n"
            let malformed = try HTTPTestClient.parse(HTTPTestClient.exchange(Array(bad.utf8), port: server.port))
            #expect(malformed.status == 400)
        }
    }

    @Test func dropsAClientThatNeverFinishesItsRequest() throws {
        var limits = HTTPServer.Limits()
        limits.readTimeout = .milliseconds(200)
        try withServer(limits: limits) { server in
            let idle = try HTTPTestClient.connect(port: server.port)
            defer { close(idle) }
            _ = "GET / HTTP/1.1\r\n".withCString { send(idle, $0, strlen($0), Int32(MSG_NOSIGNAL)) }
            // The server closes the connection without an answer; the client's 10 s receive timeout would throw instead.
            #expect(try HTTPTestClient.readToEnd(idle).isEmpty)
        }
    }

    @Test func anIdleClientDoesNotHoldUpConcurrentScrapes() throws {
        try withServer { server in
            let idle = try HTTPTestClient.connect(port: server.port)
            defer { close(idle) }
            let failures = Mutex<[String]>([])
            let port = server.port
            DispatchQueue.concurrentPerform(iterations: 8) { worker in
                for request in 0..<10 {
                    do {
                        let response = try HTTPTestClient.request("GET", "/w\(worker)/r\(request)", port: port)
                        if response.body != "GET /w\(worker)/r\(request)" { failures.withLock { $0.append(response.body) } }
                    } catch {
                        failures.withLock { $0.append("\(error)") }
                    }
                }
            }
            #expect(failures.withLock { $0 } == [])
        }
    }

    @Test func stopClosesTheListenerAndIsIdempotent() throws {
        let server = try HTTPServer(address: ListenAddress(host: "127.0.0.1", port: 0), logger: Logger(minimumLevel: .error)) { _ in
            HTTPResponse(status: 200, body: "")
        }
        server.start()
        #expect(try HTTPTestClient.request("GET", "/", port: server.port).status == 200)
        server.stop()
        server.stop()
        #expect(throws: HTTPTestClient.Failure.self) { try HTTPTestClient.connect(port: server.port) }
    }

    @Test func aPortInUseIsAClearError() throws {
        try withServer { server in
            do throws(HTTPServerError) {
                _ = try HTTPServer(address: ListenAddress(host: "127.0.0.1", port: server.port), logger: Logger(minimumLevel: .error)) { _ in
                    HTTPResponse(status: 200, body: "")
                }
                Issue.record("expected the second bind to fail")
            } catch {
                #expect(error.description.contains("http.listen"))
                #expect(error.description.contains("another process uses the port"))
            }
        }
    }
}

@Suite struct OperationsEndpointsTests {
    let health = WorkerHealth()
    let registry = MetricsRegistry()
    var endpoints: OperationsEndpoints { OperationsEndpoints(metrics: registry, health: health) }

    func get(_ path: String, method: String = "GET") -> HTTPResponse {
        endpoints.respond(to: HTTPRequestHead(method: method, path: path, headers: [.init(name: "Host", value: "x")]))
    }

    @Test func routesAndMethods() {
        _ = registry.counter("up_total", help: "Up.")
        let metrics = get("/metrics")
        #expect(metrics.status == 200)
        #expect(metrics.headers.first { $0.name == "Content-Type" }?.value == "text/plain; version=0.0.4; charset=utf-8")
        #expect(String(decoding: metrics.body, as: UTF8.self).contains("up_total 0"))
        #expect(get("/").status == 404)
        #expect(get("/metrics/").status == 404)
        let post = get("/metrics", method: "POST")
        #expect(post.status == 405)
        #expect(post.headers.contains { $0.name == "Allow" && $0.value == "GET, HEAD" })
        #expect(get("/healthz").status == 200)
    }

    @Test func readinessFollowsTheWorker() {
        let before = get("/readyz")
        #expect(before.status == 503)
        #expect(String(decoding: before.body, as: UTF8.self) == "not ready: waiting for a partition assignment from the consumer group\n")
        health.joinedGroup()
        #expect(get("/readyz").status == 200)
        health.stopping()
        #expect(get("/readyz").status == 503)
    }
}
