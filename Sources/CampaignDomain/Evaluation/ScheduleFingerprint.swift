/// A digest of everything besides the member that a member's next due time is computed from: the time plans (ids and
/// triggers), the programme's zone, and the revision of the scheduling code.
///
/// The changelog stores it with each member's `nextDue`. A restore whose engine has the same fingerprint can take the
/// stored due time as it is instead of computing it again from every time plan, which is about half of a restore's
/// work; any difference (a plan added, removed or edited, another programme zone, a new scheduling revision) makes the
/// restore compute it again. FNV-1a over a fixed encoding, so it is the same in every process.
public struct ScheduleFingerprint: Sendable, Hashable {
    public let value: UInt64

    public init(value: UInt64) { self.value = value }

    /// Bump whenever a time trigger's `nextOccurrence` could return another occurrence for the same member and plans,
    /// so due times stored by the older code are computed again on the next restore instead of trusted.
    /// `ScheduleFingerprintTests.revisionMatchesTheScheduleItWasPinnedWith` fails as a reminder when the schedule moves.
    public static let revision: UInt8 = 1

    /// The fingerprint of `timePlans` (in evaluation order) under `programme`.
    public init(programme: Programme, timePlans: [Plan]) {
        var hash = FNV1a64()
        hash.combine(byte: Self.revision)
        hash.field(programme.timeZone.identifier)
        hash.field(timePlans.count)
        for plan in timePlans {
            hash.field(plan.id)
            plan.trigger.combineSchedule(into: &hash)
        }
        value = hash.value
    }
}

extension Trigger {
    /// Feeds every setting `nextOccurrence` reads into `hash`, each with its length or a separator so that no two
    /// different triggers feed the same bytes.
    func combineSchedule(into hash: inout FNV1a64) {
        hash.field(typeName)
        switch self {
        case .birthday(let trigger):
            hash.field(trigger.offsetDays)
            hash.field(trigger.at.secondOfDay)
            hash.field(trigger.leapDay.rawValue)
        case .dormancy(let trigger):
            hash.field(trigger.inactiveDays)
            hash.field(trigger.at.secondOfDay)
        case .pointsExpiring(let trigger):
            hash.field(trigger.withinDays)
            hash.field(Int(trigger.minPoints))
            hash.field(trigger.at.secondOfDay)
        case .anniversary(let trigger):
            hash.field(trigger.years.map { [-1] + $0 } ?? [])
            hash.field(trigger.at.secondOfDay)
            hash.field(trigger.leapDay.rawValue)
        case .enrolled(let trigger):
            hash.field(trigger.delay.months)
            hash.field(trigger.delay.days)
            hash.field(Int(trigger.delay.seconds))
        case .firstPurchase, .tierChanged, .spendThreshold, .event, .recurring:
            // Not time triggers: nothing of theirs goes into a member's due time. The type name above still counts.
            break
        }
    }
}

extension FNV1a64 {
    /// A string with its length first.
    fileprivate mutating func field(_ text: String) {
        field(text.utf8.count)
        combine(text)
    }

    /// An integer as eight little-endian bytes.
    fileprivate mutating func field(_ number: Int) {
        let bits = UInt64(bitPattern: Int64(number))
        for shift in stride(from: 0, to: 64, by: 8) { combine(byte: UInt8(truncatingIfNeeded: bits >> UInt64(shift))) }
    }

    /// A list with its count first.
    fileprivate mutating func field(_ numbers: [Int]) {
        field(numbers.count)
        for number in numbers { field(number) }
    }
}
