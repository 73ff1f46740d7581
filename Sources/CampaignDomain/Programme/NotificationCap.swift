/// A programme-wide notification cap: at most `count` notifications per member in any sliding `within`.
///
/// `channel` nil (`"*"` in config) counts every channel together. Transactional plans do not count.
public struct NotificationCap: Sendable, Hashable {
    public var channel: Channel?
    public var count: Int
    public var within: ISODuration

    public init(channel: Channel?, count: Int, within: ISODuration) {
        self.channel = channel
        self.count = count
        self.within = within
    }
}
