import CampaignWorker
import Testing

@Suite struct HTTPRequestHeadTests {
    func parse(_ text: String) throws(HTTPRequestHead.ParseError) -> HTTPRequestHead {
        try HTTPRequestHead.parse(Array(text.utf8)[...])
    }

    func status(_ text: String) -> Int? {
        do {
            _ = try parse(text)
            return nil
        } catch {
            return error.status
        }
    }

    @Test func parsesRequestLineAndHeaders() throws {
        let head = try parse("GET /metrics?name[]=x HTTP/1.1\r\nHost: worker:9464\r\nAccept:  text/plain \r\nX-Empty:")
        #expect(head.method == "GET")
        #expect(head.path == "/metrics")
        #expect(head.version == "HTTP/1.1")
        #expect(head.header("host") == "worker:9464")
        #expect(head.header("ACCEPT") == "text/plain")
        #expect(head.header("x-empty") == "")
        #expect(try parse("GET /healthz HTTP/1.0").headers.isEmpty, "HTTP/1.0 needs no Host")
    }

    @Test func refusesMalformedHeads() {
        #expect(status("GET /metrics HTTP/1.1") == 400, "HTTP/1.1 without Host")
        #expect(status("GET /metrics HTTP/2.0\r\nHost: x") == 505)
        #expect(status("GET metrics HTTP/1.1\r\nHost: x") == 400, "not a path")
        #expect(status("GET  /metrics HTTP/1.1\r\nHost: x") == 400, "two spaces")
        #expect(status("get /metrics HTTP/1.1\r\nHost: x") == 400, "methods are upper case")
        #expect(status("GET /metrics HTTP/1.1\r\nHost: x\r\n folded") == 400)
        #expect(status("GET /metrics HTTP/1.1\r\nHost x") == 400, "no colon")
        #expect(status("GET /metrics HTTP/1.1\r\nHost: x\nInjected: y") == 400, "bare LF")
        #expect(status("GET /m\u{E9}trics HTTP/1.1\r\nHost: x") == 400, "not ASCII")
        #expect(status("GET /metrics HTTP/1.1\r\nHost: \u{0}") == 400, "control byte")
        let many = (0...64).map { "X-\($0): y" }.joined(separator: "\r\n")
        #expect(status("GET /metrics HTTP/1.1\r\nHost: x\r\n" + many) == 431)
    }
}

@Suite struct ListenAddressTests {
    @Test func parsesHostsAndPorts() {
        #expect(ListenAddress("0.0.0.0:9464") == ListenAddress(host: "0.0.0.0", port: 9464))
        #expect(ListenAddress("[::]:9464") == ListenAddress(host: "::", port: 9464))
        #expect(ListenAddress("localhost:0") == ListenAddress(host: "localhost", port: 0))
        #expect(ListenAddress(":9464") == ListenAddress(host: "", port: 9464))
        #expect(ListenAddress("*:9464") == ListenAddress(host: "", port: 9464))
        #expect(ListenAddress("[::1]:80")?.description == "[::1]:80")
    }

    @Test func refusesWhatIsNotHostColonPort() {
        for text in ["9464", "0.0.0.0", "0.0.0.0:", "0.0.0.0:65536", "0.0.0.0:-1", "::1:9464", "[::1:9464", "[]:1", "a b:1", "host:+80", "[zz]:1"] {
            #expect(ListenAddress(text) == nil, "\(text)")
        }
    }
}
