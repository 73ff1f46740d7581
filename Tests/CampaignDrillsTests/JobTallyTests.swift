import CampaignDomain
import Testing
import TestSupport

@testable import CampaignDrills

/// The drill's reading of a tansu run as Apache Kafka would show it: which copies it sets aside, and what it still
/// counts as lost or duplicated.
@Suite struct JobTallyTests {
    /// worker-1 finished commits at 1,000 and 2,000 and was killed at 2,500; worker-2 was killed at 4,000 while
    /// worker-1 ran too.
    static let windows = UncommittedWindows(
        kills: [
            .init(instance: "worker-1", atMillis: 2_500, alone: true),
            .init(instance: "worker-2", atMillis: 4_000, alone: false),
        ],
        commitsFinished: ["worker-1": [1_000, 2_000, 3_000], "worker-2": [3_900]])
    static let span = UncommittedWindows.Span(from: 2_000, to: 2_500)
    /// One wall millisecond is one virtual hour from 2026-01-01T00:00Z (wall 0).
    static func virtualTime(_ millis: Int64) -> Instant { Instant.at("2026-01-01T00:00:00Z").adding(seconds: millis * 3600) }

    static func job(_ id: String, member: String = "m-1", firedAt: Int64 = 2_100, at millis: Int64? = nil) -> JobKey {
        let fired = virtualTime(firedAt).rfc3339
        let object = try! JSONParser.parse(
            Array(#"{"jobId":"\#(id)","memberId":"\#(member)","trigger":{"firedAt":"\#(fired)"}}"#.utf8)).objectValue!
        return JobKey(object, producedMillis: millis)!
    }

    static func tally(_ expected: [JobKey], _ committed: [JobKey], leaked: [String: [UncommittedWindows.Span]] = [:]) -> JobTally {
        JobTally(
            expected: Dictionary(uniqueKeysWithValues: expected.map { ($0.id, $0) }), committed: committed,
            uncommitted: windows, leaked: leaked, virtualTime: virtualTime)
    }

    @Test func aSpanRunsFromTheLastFinishedCommitBeforeTheKillToTheKill() {
        let windows = Self.windows
        #expect(!windows.contains(2_000), "same millisecond as the commit.finished line: either commit")
        #expect(windows.span(of: 2_001) == Self.span)
        #expect(windows.contains(2_500))
        #expect(!windows.contains(2_501), "after the kill: the successor's")
        #expect(!windows.contains(1_500), "before the last finished commit")
        #expect(!windows.contains(3_950), "worker-2 was not alone, so its span is not known to be its own")
        #expect(!windows.contains(nil))
    }

    @Test func aKillBeforeTheFirstCommitReachesBackToThePreviousOne() {
        let windows = UncommittedWindows(
            kills: [.init(instance: "w", atMillis: 100, alone: true), .init(instance: "w", atMillis: 900, alone: true)],
            commitsFinished: ["w": [50]])
        #expect(windows.contains(60) && windows.contains(500) && windows.contains(900))
        #expect(!windows.contains(50))
        let never = UncommittedWindows(kills: [.init(instance: "w", atMillis: 100, alone: true)], commitsFinished: [:])
        #expect(never.contains(1) && never.contains(100))
    }

    @Test func readsFinishedCommitsFromAWorkerLog() {
        let log = """
            {"ts":"2026-11-26T01:00:00.250Z","level":"debug","event":"commit.finished","partitions":3,"changelogRecords":2,"millis":4}
            {"ts":"2026-11-26T01:00:00.260Z","level":"debug","event":"commit.started","partitions":1,"changelogRecords":0}
            {"ts":"2026-11-26T01:00:00.300Z","level":"info","event":"partitions.assigned","note":"commit.finished"}
            not json
            {"ts":"2026-11-26T01:00:01Z","level":"debug","event":"commit.finished","partitions":1,"changelogRecords":0,"millis":3}
            """
        let base = Instant.at("2026-11-26T01:00:00Z").epochMillis
        #expect(UncommittedWindows.commitsFinished(inLog: log) == [base + 250, base + 1_000])
    }

    @Test func aCopyFromAnUnfinishedCommitIsSetAsideNotCountedTwice() {
        let tally = Self.tally(
            [Self.job("a"), Self.job("b")], [Self.job("a", at: 2_100), Self.job("a", at: 9_000), Self.job("b", at: 500)])
        #expect((tally.committed, tally.duplicated, tally.lost, tally.setAside, tally.unexpected) == (3, 0, 0, 1, 0))
    }

    @Test func twoCopiesOutsideTheSpansAreADuplicateWhateverIsSetAside() {
        let tally = Self.tally(
            [Self.job("a")], [Self.job("a", at: 1_500), Self.job("a", at: 2_200), Self.job("a", at: 9_000), Self.job("a", at: 2_000)])
        #expect((tally.duplicated, tally.setAside) == (2, 1))
        #expect(tally.notes.contains { $0.hasPrefix("job a committed 3 times (1 more set aside)") })
    }

    @Test func aJobOnlyInAnUnfinishedCommitIsLost() {
        let tally = Self.tally([Self.job("a"), Self.job("b")], [Self.job("a", at: 2_200)], leaked: ["m-2": [Self.span]])
        #expect(tally.lost == 2)
        #expect(tally.lostIDs == ["a", "b"])
        #expect(tally.notes.contains { $0.hasPrefix("lost job a (only in a commit a killed worker had not finished)") })
        #expect(tally.notes.contains { $0.hasPrefix("lost job b:") })
    }

    @Test func aMissingJobIsNotLostWhenTheSuccessorRestoredItsMembersUnfinishedCommit() {
        let leaked = ["m-1": [Self.span]]
        let shown = Self.tally([Self.job("a")], [Self.job("a", at: 2_200)], leaked: leaked)
        #expect((shown.lost, shown.duplicated, shown.setAside) == (0, 0, 1))
        #expect(shown.notes.contains { $0.contains("not counted as lost") })
        let neverSent = Self.tally([Self.job("a")], [], leaked: leaked)
        #expect(neverSent.lost == 0)
        // Fired after the kill, or long before the span began: that commit cannot explain it.
        #expect(Self.tally([Self.job("late", firedAt: 2_501)], [], leaked: leaked).lostIDs == ["late"])
        #expect(Self.tally([Self.job("early", firedAt: 2_000 - 25)], [], leaked: leaked).lostIDs == ["early"])
        #expect(Self.tally([Self.job("caught-up", firedAt: 2_000 - 23)], [], leaked: leaked).lost == 0)
    }

    @Test func differentContentIsUnexpected() {
        var other = Self.job("a")
        other.content = "{}"
        let tally = Self.tally([other], [Self.job("a", at: 500)])
        #expect(tally.unexpected == 1)
    }
}
