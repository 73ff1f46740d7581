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
