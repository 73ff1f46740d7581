@testable import CampaignDomain
import TestSupport
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

    /// The eight-at-a-time check agrees with the byte rule for every byte at every position of strings of 1 to 17
    /// bytes (shorter than a word, whole words, and words with a tail).
    @Test func findsEveryByteThatNeedsEscapingAtEveryPosition() {
        for length in 1...17 {
            let plain = Array(String(repeating: "a", count: length).utf8)
            #expect(!plain.withUnsafeBufferPointer(JSONWriter.needsEscaping))
            for position in plain.indices {
                for byte in UInt8.min...UInt8.max {
                    var bytes = plain
                    bytes[position] = byte
                    let expected = byte < 0x20 || byte == 0x22 || byte == 0x5C || byte == 0x7F
                    #expect(bytes.withUnsafeBufferPointer(JSONWriter.needsEscaping) == expected, "byte \(byte) at \(position) of \(length)")
                }
            }
        }
    }

    /// The writer keeps room ahead and doubles it when a write does not fit; `bytes` and `finish()` hold exactly what
    /// was written, however many times it grew and whatever the write that crossed the boundary.
    @Test func growsPastItsRoomWithoutLosingOrAddingBytes() throws {
        for capacity in [1, 16, 17, 40] {
            var w = JSONWriter(reservingCapacity: capacity)
            var expected = "{"
            w.beginObject()
            for index in 0..<40 {
                w.field("n", index)
                w.field("at", Instant.at("2026-11-25T10:15:00.250Z"))
                w.field("s", String(repeating: "x", count: index))
                w.member("q\(index)", "a\"b")
                w.key("r")
                w.raw(Array("[1,2]".utf8))
                expected += (index == 0 ? "" : ",") + #""n":\#(index),"at":"2026-11-25T10:15:00.250Z","s":"\#(String(repeating: "x", count: index))","q\#(index)":"a\"b","r":[1,2]"#
            }
            w.endObject()
            expected += "}"
            #expect(w.string == expected)
            #expect(w.bytes == Array(expected.utf8))
            #expect(w.finish() == Array(expected.utf8))
            // Finished, it starts again empty at the top level, in the buffer it grew.
            #expect(w.bytes.isEmpty)
            w.beginArray()
            w.int(1)
            w.endArray()
            w.string("x")
            #expect(w.finish() == Array(#"[1]"x""#.utf8))
        }
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

    /// A writer lent a buffer writes in it until the JSON outgrows it, then moves to memory of its own; the lent
    /// buffer keeps what was written there, and nothing is lost at the move.
    @Test func writesInALentBufferAndMovesOutWhenItOutgrowsIt() {
        let long = String(repeating: "x", count: 100)
        var expected = "["
        var written: [UInt8] = []
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 64) { lent in
            var w = JSONWriter(startingIn: lent)
            w.beginArray()
            for index in 0..<5 {
                w.string(long)
                expected += (index == 0 ? "" : ",") + "\"" + long + "\""
            }
            w.endArray()
            written = w.finish()
            // Reused after `finish`, now from its own memory.
            w.beginArray()
            w.int(7)
            w.endArray()
            #expect(w.string == "[7]")
        }
        #expect(String(decoding: written, as: UTF8.self) == expected + "]")
        // Too small to lend: the writer starts in memory of its own.
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 4) { lent in
            var w = JSONWriter(startingIn: lent)
            w.string(long)
            #expect(w.string == "\"" + long + "\"")
        }
    }
}
