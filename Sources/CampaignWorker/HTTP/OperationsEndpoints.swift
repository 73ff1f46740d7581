/// The operations endpoints: `GET /metrics` (Prometheus text), `GET /healthz` (alive) and `GET /readyz` (ready).
///
/// `HEAD` is answered like `GET` without a body; other methods on these paths get 405, other paths 404.
public struct OperationsEndpoints: Sendable {
    public let metrics: MetricsRegistry
    public let health: WorkerHealth

    public init(metrics: MetricsRegistry, health: WorkerHealth) {
        self.metrics = metrics
        self.health = health
    }

    /// The endpoints of a worker.
    public init(worker: Worker) {
        self.init(metrics: worker.metrics.registry, health: worker.health)
    }

    static let paths: Set<String> = ["/metrics", "/healthz", "/readyz"]

    public func respond(to request: HTTPRequestHead) -> HTTPResponse {
        guard Self.paths.contains(request.path) else {
            return .error(404, "not found; the worker serves /metrics, /healthz and /readyz")
        }
        guard request.method == "GET" || request.method == "HEAD" else {
            return .error(405, "method not allowed; use GET", headers: [("Allow", "GET, HEAD")])
        }
        switch request.path {
        case "/metrics":
            return HTTPResponse(status: 200, contentType: PrometheusText.contentType, body: metrics.render())
        case "/healthz":
            if let stall = health.stall() { return .error(503, "stalled: \(stall)") }
            return HTTPResponse(status: 200, body: "ok\n")
        default:
            switch health.readiness {
            case .ready: return HTTPResponse(status: 200, body: "ready\n")
            case .notReady(let why): return .error(503, "not ready: \(why)")
            }
        }
    }
}
