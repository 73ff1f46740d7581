@testable import CampaignDomain
import Testing

/// Byte comparisons a word at a time must agree with a byte-by-byte comparison at every length and position.
@Suite struct ByteWordTests {
    @Test func sameAgreesWithComparingByteByByte() {
        for count in 0...40 {
            let bytes = (0..<count).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ 11) }
            bytes.withUnsafeBytes { a in
                // Equal bytes in another buffer, at an offset that leaves the words unaligned.
                let copy = [0xAA] + bytes
                copy.withUnsafeBytes { b in #expect(ByteWord.same(a, UnsafeRawBufferPointer(rebasing: b[1...]))) }
                // One byte different, at each position: the word loop and the tail loop must both see it.
                for position in 0..<count {
                    var changed = bytes
                    changed[position] ^= 0x01
                    changed.withUnsafeBytes { b in #expect(!ByteWord.same(a, b), "length \(count), byte \(position)") }
                }
                // A prefix or a longer run is not the same, even when every shared byte matches.
                if count > 0 { #expect(!ByteWord.same(a, UnsafeRawBufferPointer(rebasing: a[..<(count - 1)]))) }
                (bytes + [0]).withUnsafeBytes { b in #expect(!ByteWord.same(a, b)) }
            }
        }
        #expect(ByteWord.same(UnsafeRawBufferPointer(start: nil, count: 0), UnsafeRawBufferPointer(start: nil, count: 0)))
    }
}
