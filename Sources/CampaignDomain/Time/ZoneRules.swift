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
    /// From this instant to `upperBound` the offset never changes again (the last transition; zones such as
    /// Asia/Shanghai have had none for decades), so lookups there need no search.
    let stableFrom: Int64
    let stableOffset: Int64
    /// `firstAfter[b]` counts the transitions at or before the start of bucket `b` (buckets of `bucketSeconds` from
    /// `lowerBound`), so a lookup scans the one or two transitions of its bucket instead of searching the table.
    private let firstAfter: [Int32]
    private static let bucketSeconds: Int64 = 31_556_952  // an average Gregorian year

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
        stableFrom = transitions.last ?? lowerBound
        stableOffset = Int64(offsets.last!)
        var firstAfter: [Int32] = []
        var index = 0
        var bucketStart = lowerBound
        while bucketStart < upperBound {
            while index < transitions.count, transitions[index] <= bucketStart { index += 1 }
            firstAfter.append(Int32(index))
            bucketStart += Self.bucketSeconds
        }
        self.firstAfter = firstAfter
    }

    /// Whether the offset is `stableOffset` throughout [from, through].
    func isStable(from: Int64, through: Int64) -> Bool {
        from >= stableFrom && through < upperBound
    }

    /// The offset in force at `epochSeconds` and the instant it next changes (`upperBound` when it does not change
    /// within the table); nil outside the table.
    func offsetAndNextChange(at epochSeconds: Int64) -> (offset: Int64, nextChange: Int64)? {
        guard epochSeconds >= lowerBound, epochSeconds < upperBound else { return nil }
        if epochSeconds >= stableFrom { return (stableOffset, upperBound) }
        var index = Int(firstAfter[Int((epochSeconds - lowerBound) / Self.bucketSeconds)])
        return transitions.withUnsafeBufferPointer { transitions in
            while index < transitions.count, transitions[index] <= epochSeconds { index += 1 }
            return (Int64(offsets[index]), index < transitions.count ? transitions[index] : upperBound)
        }
    }

    /// The offset in seconds in force at `epochSeconds`.
    func offset(at epochSeconds: Int64) -> Int64 {
        guard epochSeconds >= lowerBound, epochSeconds < upperBound else {
            return Int64(timeZone.secondsFromGMT(for: Date(timeIntervalSince1970: TimeInterval(epochSeconds))))
        }
        if epochSeconds >= stableFrom { return stableOffset }
        // Every transition before `firstAfter[bucket]` is at or before the bucket's start, hence before `epochSeconds`.
        var index = Int(firstAfter[Int((epochSeconds - lowerBound) / Self.bucketSeconds)])
        return transitions.withUnsafeBufferPointer { transitions in
            while index < transitions.count, transitions[index] <= epochSeconds { index += 1 }
            return Int64(offsets[index])
        }
    }
}
