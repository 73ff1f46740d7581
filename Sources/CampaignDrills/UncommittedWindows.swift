import CampaignDomain

/// The wall-clock spans in which a killed worker produced records for commits it had not finished.
///
/// A broker that aborts a fenced producer's open transaction (Apache Kafka) hides those records from `read_committed`
/// readers; tansu 0.6.0 does not (`scripts/probe-tansu-fencing.py`). At `logLevel` debug the worker logs
/// `commit.finished` when a commit returned, and every record of that commit was sent before it, so a record whose
/// Kafka timestamp is later than the killed process's last such line, and not later than the kill, belongs to a
/// commit that had not finished when the process died. A record in the same millisecond as that line may belong to
/// either commit and is left outside. (A kill in the microseconds between a commit's return and its log line would
/// put that commit's records in the span too.)
struct UncommittedWindows {
    /// A `kill -9`: the instance, when it was done (wall milliseconds, after the process had exited), and whether it
    /// was the only worker running then (only then are the span's records known to be its own).
    struct Kill {
        var instance: String
        var atMillis: Int64
        var alone: Bool
    }

    /// An open-closed span (from, to] of wall milliseconds; `from` is `Int64.min` when no commit had finished.
    struct Span: Equatable {
        var from: Int64
        var to: Int64
    }

    private(set) var spans: [Span] = []

    /// `commitsFinished` holds each instance's `commit.finished` times (every process that ran under that name).
    init(kills: [Kill], commitsFinished: [String: [Int64]]) {
        for kill in kills where kill.alone {
            // A process that died before its first commit leaves the span open back to its predecessor's last commit:
            // that predecessor was killed too (or nothing was produced in between), so nothing in the span committed.
            let last = commitsFinished[kill.instance, default: []].filter { $0 <= kill.atMillis }.max() ?? Int64.min
            spans.append(Span(from: last, to: kill.atMillis))
        }
    }

    /// Whether a record produced at `millis` lies in a span (a record without a timestamp never does).
    func contains(_ millis: Int64?) -> Bool { span(of: millis) != nil }

    /// The span a record produced at `millis` lies in.
    func span(of millis: Int64?) -> Span? {
        guard let millis else { return nil }
        return spans.first { millis > $0.from && millis <= $0.to }
    }

    /// The `commit.finished` times in a worker's log (JSON lines; other lines are skipped).
    static func commitsFinished(inLog text: String) -> [Int64] {
        text.split(separator: "\n").compactMap { line in
            guard line.contains("\"commit.finished\""), let object = try? JSONParser.parse(Array(line.utf8)).objectValue,
                object["event"]?.stringValue == "commit.finished",
                let ts = object["ts"]?.stringValue.flatMap(Instant.init(rfc3339:))
            else { return nil }
            return ts.epochMillis
        }
    }
}
