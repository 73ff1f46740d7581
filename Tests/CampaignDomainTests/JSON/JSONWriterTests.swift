import CampaignDomain
import Testing

@Suite struct JSONWriterTests {
    @Test func separatesMembersAndElementsWithCommasAtEveryLevel() {
        var w = JSONWriter()
        w.beginObject()
        w.member("a", 1)
        w.key("b")
        w.beginArray()
        w.int(2)
        w.beginObject()
        w.endObject()
        w.beginArray()
        w.null()
        w.bool(true)
        w.endArray()
        w.endArray()
        w.member("c", "x")
        w.endObject()
        #expect(w.string == #"{"a":1,"b":[2,{},[null,true]],"c":"x"}"#)
    }

    @Test func writesIntegersAtBothEnds() {
        var w = JSONWriter()
        w.beginArray()
        for value in [0, 7, -7, 10, 1_000_000, Int.max, Int.min] { w.int(value) }
        w.endArray()
        #expect(w.string == "[0,7,-7,10,1000000,\(Int.max),\(Int.min)]")
    }

    @Test func escapesWhatJSONRequiresAndCopiesTheRest() {
        var w = JSONWriter()
        w.beginArray()
        w.string("plain 生日快乐 🎂")
        w.string("quote\" backslash\\ newline\n tab\t cr\r bell\u{07} del\u{7F}")
        w.endArray()
        #expect(w.string == #"["plain 生日快乐 🎂","quote\" backslash\\ newline\n tab\t cr\r bell\u0007 del\u007f"]"#)
    }

    /// Nesting is kept in a 64-bit stack with an overflow beyond it; both must keep commas right.
    @Test func keepsCommasRightBeyondSixtyFourLevels() throws {
        let depth = 100
        var w = JSONWriter()
        for level in 0..<depth {
            w.beginArray()
            w.int(level)
        }
        for _ in 0..<depth {
            w.endArray()
            w.int(-1)
        }
        let text = w.string
        var expected = ""
        for level in 0..<depth { expected += level == 0 ? "[\(level)" : ",[\(level)" }
        for level in 0..<depth { expected += level == depth - 1 ? "]-1" : "],-1" }
        #expect(text == expected)
    }
}
