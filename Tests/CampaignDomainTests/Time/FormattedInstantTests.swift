@testable import CampaignDomain
import TestSupport
import Testing

/// Instants formatted once for several fields must read exactly as formatting each field does.
@Suite struct FormattedInstantTests {
    static let instants: [Instant] = [
        Instant(epochMillis: 0), Instant.at("2026-03-09T01:00:00Z"), Instant.at("2026-12-31T16:00:00.250Z"),
        Instant.at("2024-02-29T23:59:59.999Z"), Instant(epochMillis: -1), Instant.at("0001-01-01T00:00:00Z"),
        Instant.at("9999-12-31T23:59:59.001Z"),
        // Beyond four-digit years the text is longer than the stored form holds: formatted on each use.
        Instant(epochMillis: 253_402_300_800_000), Instant(epochMillis: 3_093_527_980_800_123), Instant(epochMillis: -62_167_219_200_001),
    ]

    static func text(_ body: ((UnsafeRawBufferPointer) -> String) -> String) -> String {
        body { String(decoding: $0, as: UTF8.self) }
    }

    @Test func readsAsTheInstantFormattedEachTime() {
        for instant in Self.instants {
            let expected = instant.rfc3339
            #expect(Self.text { FormattedInstant(instant).withRFC3339($0) } == expected)
            for other in Self.instants {
                #expect(Self.text { FormattedInstant(instant).reused(for: other).withRFC3339($0) } == other.rfc3339)
            }
        }
        #expect(Instant(epochMillis: 3_093_527_980_800_123).rfc3339 == "100000-01-01T00:00:00.123Z")
    }

    @Test func theWriterWritesItAsAQuotedString() {
        for instant in Self.instants {
            var formatted = JSONWriter()
            formatted.beginObject()
            formatted.field("at", FormattedInstant(instant))
            formatted.endObject()
            var direct = JSONWriter()
            direct.beginObject()
            direct.field("at", instant)
            direct.endObject()
            #expect(formatted.string == direct.string)
            #expect(formatted.string == #"{"at":"\#(instant.rfc3339)"}"#)
        }
    }
}
