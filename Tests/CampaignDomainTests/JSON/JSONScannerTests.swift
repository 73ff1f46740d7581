@testable import CampaignDomain
import Testing

@Suite struct JSONScannerTests {
    /// Scans `json` whole; the members' names, kinds and value texts, or nil where the scanner declines.
    func scan(_ json: String) -> [(name: String, kind: ScannedMember.Kind, value: String)]? {
        scan(bytes: Array(json.utf8))
    }

    func scan(bytes: [UInt8]) -> [(name: String, kind: ScannedMember.Kind, value: String)]? {
        bytes.withUnsafeBufferPointer { buffer in
            withUnsafeTemporaryAllocation(of: ScannedMember.self, capacity: 16) { members in
                guard let count = JSONScanner.members(of: 0..<buffer.count, in: buffer, into: members) else { return nil }
                return members[..<count].map {
                    (String(decoding: buffer[$0.name], as: UTF8.self), $0.kind, String(decoding: buffer[$0.value], as: UTF8.self))
                }
            }
        }
    }

    @Test func readsEachMembersNameKindAndValueInPlace() throws {
        let members = try #require(scan(#" { "s" : "text" , "n":-1.5e3,"t":true,"f":false,"z":null,"a":[1,"x",[]],"o":{"k":{"d":[]}} } "#))
        #expect(members.map(\.name) == ["s", "n", "t", "f", "z", "a", "o"])
        #expect(members.map(\.kind) == [.string, .number, .bool, .bool, .null, .array, .object])
        #expect(members.map(\.value) == ["text", "-1.5e3", "true", "false", "null", #"[1,"x",[]]"#, #"{"k":{"d":[]}}"#])
        #expect(try #require(scan("{}")).isEmpty)
    }

    /// Everything the general parser handles differently, or rejects, is left to it.
    @Test func declinesWhatItDoesNotReadAsTheParserWould() {
        let declined = [
            #"{"a":"x\"y"}"#, #"{"a":1,"a":2}"#, #"{"é":1}"#, #"{"a":{"b":{"c":{"d":{}}}}}"#, #"{"a":01}"#, #"{"a":1.}"#,
            #"{"a":"\#u{01}"}"#, #"{"a":tru}"#, #"{"a":1,}"#, #"{"a":1} x"#, #"["a"]"#, #"{"a" 1}"#,
        ]
        for json in declined { #expect(scan(json) == nil, "\(json)") }
        // Non-ASCII text in a value is fine when it is valid UTF-8, and declined when it is not.
        #expect(scan(#"{"a":"生日快乐"}"#)?.first?.value == "生日快乐")
        #expect(scan(bytes: Array(#"{"a":""#.utf8) + [0xFF] + Array(#""}"#.utf8)) == nil)
        #expect(scan(bytes: Array(#"{"a":""#.utf8) + [0xC3, 0xBF] + Array(#""}"#.utf8))?.first?.value == "ÿ")
    }

    @Test func eightBytesArePlainOnlyWithoutQuotesBackslashesControlsOrNonASCII() {
        let plain = Array("abcdefgh".utf8)
        func word(_ bytes: [UInt8]) -> UInt64 { bytes.enumerated().reduce(0) { $0 | UInt64($1.element) << (8 * $1.offset) } }
        #expect(JSONScanner.isPlain(word(plain)))
        for position in 0..<8 {
            for byte in UInt8.min...UInt8.max {
                var bytes = plain
                bytes[position] = byte
                let expected = byte >= 0x20 && byte < 0x80 && byte != UInt8(ascii: "\"") && byte != UInt8(ascii: "\\")
                #expect(JSONScanner.isPlain(word(bytes)) == expected, "byte \(byte) at \(position)")
            }
        }
    }

    /// Strings of every length up to three words, with a non-ASCII character, an escape or a control character at every
    /// position: the word-at-a-time skip must stop exactly at the first byte it cannot pass.
    @Test func stringsEndAndDeclineWhereverTheirSpecialBytesFall() {
        for length in 0...24 {
            let text = String(repeating: "a", count: length)
            #expect(scan(#"{"s":"\#(text)","n":1}"#)?.first?.value == text, "length \(length)")
            for position in 0..<max(1, length) where length > 0 {
                var accented = Array(text)
                accented[position] = "é"
                #expect(scan(#"{"s":"\#(String(accented))"}"#)?.first?.value == String(accented), "é at \(position) of \(length)")
                for special in [#"\n"#, "\u{01}"] {
                    var declined = Array(text).map(String.init)
                    declined[position] = special
                    #expect(scan(#"{"s":"\#(declined.joined())"}"#) == nil, "\(special.debugDescription) at \(position) of \(length)")
                }
            }
        }
    }
}
