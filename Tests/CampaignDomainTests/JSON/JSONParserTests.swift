import CampaignDomain
import Testing

@Suite struct JSONParserTests {
    @Test func parsesNestedValuesAndKeepsNumberText() throws {
        let value = try JSONParser.parse(#"{"a":[1,"x",true,null],"amount":199.00,"neg":-0.5e2,"s":"\u00e9\n"}"#)
        let object = try #require(value.objectValue)
        #expect(object["a"] == .array([.number("1"), .string("x"), .bool(true), .null]))
        #expect(object["amount"] == .number("199.00"))
        #expect(object["neg"] == .number("-0.5e2"))
        #expect(object["s"] == .string("é\n"))
        #expect(object.keys == ["a", "amount", "neg", "s"])
    }

    @Test func decodesSurrogatePairs() throws {
        #expect(try JSONParser.parse(#""\ud83c\udf82""#) == .string("🎂"))
    }

    @Test(arguments: [
        "", "{", #"{"a":1,}"#, "[1 2]", "01", "1.", "tru", #"{"a":1}x"#, #""\x""#, #"{"a":1,"a":2}"#, #""\ud800""#,
        "\"a\u{01}\"",
    ])
    func rejectsInvalidJSON(_ text: String) {
        #expect(throws: JSONParseError.self) { try JSONParser.parse(text) }
    }

    /// Raw bytes that are not UTF-8 (a stray continuation byte, a truncated sequence, an overlong form, a surrogate)
    /// are rejected, not repaired; valid multi-byte text passes unchanged.
    @Test(arguments: [[0x80], [0xE7, 0x94], [0xC0, 0xAF], [0xED, 0xA0, 0x80], [0x61, 0xFF]] as [[UInt8]])
    func rejectsStringsThatAreNotUTF8(_ inner: [UInt8]) {
        let bytes = [UInt8(ascii: "\"")] + inner + [UInt8(ascii: "\"")]
        #expect(throws: JSONParseError.self) { try JSONParser.parse(bytes) }
    }

    @Test func keepsValidMultiByteText() throws {
        #expect(try JSONParser.parse(Array(#""生日快乐 🎂 é""#.utf8)) == .string("生日快乐 🎂 é"))
    }

    @Test func rejectsDeepNesting() {
        let deep = String(repeating: "[", count: 100) + String(repeating: "]", count: 100)
        #expect(throws: JSONParseError.self) { try JSONParser.parse(deep) }
    }

    @Test func writerRoundTripsAndEscapes() throws {
        var writer = JSONWriter()
        writer.beginObject()
        writer.member("q", "say \"hi\"\\\n\u{07}")
        writer.member("n", 42)
        writer.key("list")
        writer.beginArray()
        writer.string("a")
        writer.null()
        writer.endArray()
        writer.endObject()
        #expect(writer.string == #"{"q":"say \"hi\"\\\n\u0007","n":42,"list":["a",null]}"#)
        let parsed = try JSONParser.parse(writer.bytes).objectValue
        #expect(parsed?["q"] == .string("say \"hi\"\\\n\u{07}"))
    }
}
