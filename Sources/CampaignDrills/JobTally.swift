import CampaignDomain

/// The committed jobs counted against what `simulate` produced, as a `read_committed` reader of Apache Kafka would see
/// them.
///
/// Copies that a killed worker produced for a commit it had not finished (`UncommittedWindows`) are set aside: Kafka
/// aborts them when the successor fences the producer, tansu 0.6.0 leaves them readable. A job with no copy left was
/// lost, unless tansu also showed the successor a changelog record of that member from such a commit: the successor
/// then restored state that remembers the firing, so it rightly did not fire again, where on Kafka it would have
/// restored without it and fired. That case is noted, not failed.
struct JobTally {
    /// How far (virtual seconds) before a span's start a job fired in it may be dated: what fell due while the
    /// worker was down. Kill points are at least 9.6 wall seconds apart and the drills run at ×3600 or slower.
    static let catchUpSeconds: Int64 = 24 * 3600

    /// Every job record read, set-aside copies included.
    var committed = 0
    var lost = 0
    var duplicated = 0
    /// Records that `simulate` did not produce, or whose content differs.
    var unexpected = 0
    var setAside = 0
    /// The lost jobs' ids, in order.
    var lostIDs: [String] = []
    var notes: [String] = []

    /// `leaked`: the spans in which a member has a changelog record from a commit a killed worker had not finished;
    /// `virtualTime`: the drill's virtual instant at a wall millisecond.
    init(
        expected: [String: JobKey], committed jobs: [JobKey], uncommitted: UncommittedWindows,
        leaked: [String: [UncommittedWindows.Span]], virtualTime: (Int64) -> Instant
    ) {
        committed = jobs.count
        var copies: [String: (kept: Int, setAside: Int)] = [:]
        for job in jobs {
            if expected[job.id]?.content != job.content {
                unexpected += 1
                if notes.count < 5 { notes.append("unexpected or different job \(job.id): \(job.content)") }
            }
            let open = uncommitted.contains(job.producedMillis)
            copies[job.id, default: (0, 0)].kept += open ? 0 : 1
            copies[job.id, default: (0, 0)].setAside += open ? 1 : 0
        }
        setAside = copies.values.reduce(0) { $0 + $1.setAside }
        var duplicatedNotes: [String] = []
        for (id, copy) in copies.sorted(by: { $0.key < $1.key }) where copy.kept > 1 {
            duplicated += copy.kept - 1
            if duplicatedNotes.count < 5 {
                duplicatedNotes.append(
                    "job \(id) committed \(copy.kept) times (\(copy.setAside) more set aside): \(expected[id]?.content ?? "(not expected)")")
            }
        }
        notes += duplicatedNotes
        var restoredFromUnfinished: [String] = []
        for (id, job) in expected.sorted(by: { $0.key < $1.key }) where copies[id]?.kept ?? 0 == 0 {
            // Only a firing that may have been in that commit: by the kill, and not long before its span began (a
            // worker fires what fell due while it was down within a few virtual hours of starting).
            let inSpan = leaked[job.memberID, default: []].contains { span in
                job.firedAt <= virtualTime(span.to)
                    && (span.from == Int64.min || job.firedAt >= virtualTime(span.from).adding(seconds: -Self.catchUpSeconds))
            }
            if inSpan { restoredFromUnfinished.append(id) } else { lostIDs.append(id) }
        }
        lost = lostIDs.count
        for id in lostIDs.prefix(5) {
            let why = copies[id] == nil ? "" : " (only in a commit a killed worker had not finished)"
            notes.append("lost job \(id)\(why): \(expected[id]?.content ?? "")")
        }
        if !restoredFromUnfinished.isEmpty {
            notes.append(
                "\(restoredFromUnfinished.count) job(s) with no committed copy whose member's changelog record from a commit a killed "
                    + "worker had not finished tansu showed the successor (not counted as lost): "
                    + restoredFromUnfinished.prefix(5).joined(separator: ", "))
        }
    }
}
