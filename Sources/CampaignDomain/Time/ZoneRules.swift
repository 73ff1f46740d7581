import Foundation

/// A time zone's UTC offsets as a sorted table of transitions, read once from the system's zone data.
///
/// Looking an offset up is a binary search over immutable arrays: no lock and no ICU call on the hot path, where
/// every time trigger converts between local and UTC time several times per event.
final class ZoneRules: Sendable {
    /// The instants (epoch seconds) at which the offset changes, ascending.
    private let transitions: [Int64]
    /// `offsets[i]` is in force before `transitions[i]` (and the last one after the last transition).
    private let offsets: [Int32]
    private let timeZone: TimeZone
    /// The table covers [lowerBound, upperBound); outside it Foundation answers.
    private let lowerBound: Int64
    private let upperBound: Int64

    init(timeZone: TimeZone) {
        self.timeZone = timeZone
        let start = Date(timeIntervalSince1970: -2_208_988_800)  // 1900-01-01
        let end = Date(timeIntervalSince1970: 7_258_118_400)  // 2200-01-01
        var transitions: [Int64] = []
        var offsets: [Int32] = [Int32(timeZone.secondsFromGMT(for: start))]
        var cursor = start
        while let next = timeZone.nextDaylightSavingTimeTransition(after: cursor), next < end, transitions.count < 10_000 {
            let seconds = Int64(next.timeIntervalSince1970.rounded(.down))
            let offset = Int32(timeZone.secondsFromGMT(for: next))
            if offset != offsets.last! {
                transitions.append(seconds)
                offsets.append(offset)
            }
            cursor = next
        }
        self.transitions = transitions
        self.offsets = offsets
        lowerBound = Int64(start.timeIntervalSince1970)
        upperBound = Int64(end.timeIntervalSince1970)
    }

    /// The offset in seconds in force at `epochSeconds`.
    func offset(at epochSeconds: Int64) -> Int64 {
        guard epochSeconds >= lowerBound, epochSeconds < upperBound else {
            return Int64(timeZone.secondsFromGMT(for: Date(timeIntervalSince1970: TimeInterval(epochSeconds))))
        }
        var low = 0
        var high = transitions.count
        while low < high {
            let middle = (low + high) / 2
            if transitions[middle] <= epochSeconds { low = middle + 1 } else { high = middle }
        }
        return Int64(offsets[low])
    }
}
