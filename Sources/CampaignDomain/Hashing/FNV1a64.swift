/// 64-bit FNV-1a, the hash the contract fixes for holdout splits and duplicate memory.
public struct FNV1a64: Sendable {
    public private(set) var value: UInt64 = 0xcbf2_9ce4_8422_2325

    public init() {}

    public mutating func combine(byte: UInt8) {
        value ^= UInt64(byte)
        value &*= 0x0000_0100_0000_01B3
    }

    public mutating func combine(_ string: String) {
        for byte in string.utf8 { combine(byte: byte) }
    }
}
