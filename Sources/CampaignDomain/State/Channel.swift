/// A notification channel; the contract fixes the list, and any other name is a validation error in a plan.
public enum Channel: String, Sendable, Hashable, CaseIterable, Comparable {
    case sms, email, push, wechat, inbox

    public static func < (lhs: Channel, rhs: Channel) -> Bool { lhs.bit < rhs.bit }

    var bit: UInt8 {
        switch self {
        case .sms: 1
        case .email: 2
        case .push: 4
        case .wechat: 8
        case .inbox: 16
        }
    }
}

/// Which channels a member has consented to, as two bit sets (known answers and granted ones).
public struct Consents: Sendable, Hashable {
    private var known: UInt8 = 0
    private var granted: UInt8 = 0

    public init(_ values: [Channel: Bool] = [:]) {
        for (channel, value) in values { self[channel] = value }
    }

    /// true or false when the member answered, nil when never asked.
    public subscript(channel: Channel) -> Bool? {
        get { known & channel.bit == 0 ? nil : granted & channel.bit != 0 }
        set {
            if let newValue {
                known |= channel.bit
                if newValue { granted |= channel.bit } else { granted &= ~channel.bit }
            } else {
                known &= ~channel.bit
                granted &= ~channel.bit
            }
        }
    }
}
