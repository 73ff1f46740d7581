@testable import CampaignDomain
import Testing

@Suite struct ByteReaderTests {
    /// Values at every varint length's edges, and some in between.
    static let varints: [UInt64] = {
        var values: [UInt64] = [0, 1, 0x7F, 0x80, 300, 1_764_115_200_000, 3_528_230_400_001, .max, .max - 1]
        for bits in stride(from: 7, through: 63, by: 7) {
            let edge = UInt64(1) << UInt64(bits)
            values += [edge - 1, edge, edge + 1, edge | (edge >> 1)]
        }
        var random = SystemRandomNumberGenerator()
        for _ in 0..<500 { values.append(random.next() >> UInt64.random(in: 0...63, using: &random)) }
        return values
    }()

    /// Whether `bytes` followed by `trailing` reads back as `value`, leaving exactly `trailing` unread.
    private func readsBack(_ value: UInt64, _ bytes: [UInt8], trailing: [UInt8]) throws -> Bool {
        try ByteReader.withReader(over: bytes + trailing, from: 0, field: "test") { reader throws(MemberStateDecodingError) in
            try reader.varint() == value && reader.remaining == trailing.count
        }
    }

    @Test func varintsOfEveryLengthReadBackWhateverFollowsThem() throws {
        // The bytes after a value, with their high bits set or clear, must not change it.
        for value in Self.varints {
            var writer = ByteWriter()
            writer.varint(value)
            for trailing: [UInt8] in [[], [0x00], Array(repeating: 0xFF, count: 3), Array(repeating: 0x00, count: 9)] {
                #expect(try readsBack(value, writer.bytes, trailing: trailing), "\(value) followed by \(trailing)")
            }
        }
    }

    @Test func signedValuesAndInstantsReadBack() throws {
        for value: Int64 in [0, -1, 1, .min, .max, -1_764_115_200_000, 1_764_115_200_000, -62_135_596_800_000] {
            var writer = ByteWriter()
            writer.signed(value)
            let read = try ByteReader.withReader(over: writer.bytes + [0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF], from: 0, field: "test") {
                reader throws(MemberStateDecodingError) in try reader.signed()
            }
            #expect(read == value)
        }
    }

    @Test func unfinishedAndOverlongVarintsAreErrors() {
        // Continuation bits to the end of the bytes, with and without a word's worth of them.
        for count in [1, 7, 8, 9] {
            #expect(throws: MemberStateDecodingError(.truncated, field: "test")) {
                try ByteReader.withReader(over: [UInt8](repeating: 0x80, count: count), from: 0, field: "test") {
                    reader throws(MemberStateDecodingError) in try reader.varint()
                }
            }
        }
        // Eleven bytes, or a tenth byte above 1: more than 64 bits.
        let elevenBytes: [UInt8] = Array(repeating: 0xFF, count: 10) + [0x01]
        let tenthAboveOne: [UInt8] = Array(repeating: 0xFF, count: 9) + [0x02, 0x00]
        for bytes in [elevenBytes, tenthAboveOne] {
            #expect(throws: MemberStateDecodingError(.malformedVarint, field: "test")) {
                try ByteReader.withReader(over: bytes, from: 0, field: "test") { reader throws(MemberStateDecodingError) in try reader.varint() }
            }
        }
    }

    @Test func utf8IsCheckedWithoutMakingAString() throws {
        for text: String in ["", "gold", "zh-CN", "Asia/Shanghai", "a tag longer than eight bytes", "金卡会员", "café"] {
            var writer = ByteWriter()
            writer.string(text)
            let read = try ByteReader.withReader(over: writer.bytes, from: 0, field: "tier") { reader throws(MemberStateDecodingError) in
                String(decoding: try reader.utf8(), as: UTF8.self)
            }
            #expect(read == text)
        }
        // A lone continuation byte after eight ASCII ones, and a truncated sequence: both past the ASCII check.
        let afterASCII: [UInt8] = [9] + Array("abcdefgh".utf8) + [0x80]
        for bytes: [UInt8] in [afterASCII, [2, 0xE9, 0x87]] {
            #expect(throws: MemberStateDecodingError(.invalidUTF8, field: "tier")) {
                try ByteReader.withReader(over: bytes, from: 0, field: "tier") { reader throws(MemberStateDecodingError) in _ = try reader.utf8() }
            }
        }
    }
}
