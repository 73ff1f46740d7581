import CampaignDomain
import Testing

@Suite struct JobIDTests {
    @Test func sha256MatchesTheStandardVectors() {
        let hex = { (bytes: [UInt8]) in bytes.map { String($0, radix: 16).count == 1 ? "0" + String($0, radix: 16) : String($0, radix: 16) }.joined() }
        #expect(hex(SHA256.hash(Array("abc".utf8))) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(hex(SHA256.hash([])) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(hex(SHA256.hash(Array(String(repeating: "a", count: 1000).utf8))) == "41edece42d63e8d9bf515a9ba6932e1c20cbc9f5a5d134645adb5db1b9737ea3")
        // Either side of each padding boundary: the length fits in the last block or needs one more (Python hashlib).
        let boundaries = [
            55: "d5e285683cd4efc02d021a5c62014694958901005d6f71e89e0989fac77e4072",
            56: "04c26261370ee7541549d16dee320c723e3fd14671e66a099afe0a377c16888e",
            63: "75220b47218278e656f2013bb8f0c455a25eaf01e86c64924e9d48d89776d6f2",
            64: "7ce100971f64e7001e8fe5a51973ecdfe1ced42befe7ee8d5fd6219506b5393c",
            119: "000b48d4edf0fa7bee3c6236ecd2785baa5db4eeb8bb54341b029e0d9fa5fb0c",
            120: "13f05a0b594787f5ecd315edc96141bd3243203d1b7d4f0836f37308b276ba98",
        ]
        for (count, digest) in boundaries {
            #expect(hex(SHA256.hash(Array(repeating: UInt8(ascii: "x"), count: count))) == digest, "\(count) bytes")
        }
    }

    /// Every length from 0 to 299 bytes, so each way a message can end against the blocks is covered.
    @Test func sha256MatchesAReferenceForEveryLengthUpTo299() {
        // acc = SHA-256(acc + SHA-256(message n)) over messages of bytes (7i + n) mod 256; the final value is from
        // Python's hashlib over the same loop.
        var acc: [UInt8] = []
        for n in 0..<300 {
            let message = (0..<n).map { UInt8(truncatingIfNeeded: $0 &* 7 &+ n) }
            acc = SHA256.hash(acc + SHA256.hash(message))
        }
        let hex = acc.map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined()
        #expect(hex == "9f6e6586d897757e761c715dfc46457eb5432f66465893939347e24ba14f4f02")
    }

    @Test func isDeterministicAndDistinguishesEveryPart() {
        let id = JobID.make(planID: "birthday-gold", memberID: "m-1001", occurrence: "2026", actionIndex: 0)
        #expect(id == JobID.make(planID: "birthday-gold", memberID: "m-1001", occurrence: "2026", actionIndex: 0))
        #expect(id.count == 36)
        #expect(Array(id)[14] == "8")
        let others = [
            JobID.make(planID: "birthday-gold", memberID: "m-1001", occurrence: "2026", actionIndex: 1),
            JobID.make(planID: "birthday-gold", memberID: "m-1001", occurrence: "2027", actionIndex: 0),
            JobID.make(planID: "birthday-gold", memberID: "m-1002", occurrence: "2026", actionIndex: 0),
            JobID.make(planID: "birthday-gol", memberID: "dm-1001", occurrence: "2026", actionIndex: 0),
        ]
        #expect(Set(others + [id]).count == 5)
    }

    @Test func anIdReadsBackFromItsTextAndOnlyWellFormedTextIsAnId() throws {
        let id = JobID(planID: "birthday-gold", memberID: "m-1001", occurrence: "2026", actionIndex: 0)
        #expect(id.description == "d3cda55f-2147-8226-840a-70fb438e4380")
        #expect(id.withUTF8 { Array($0) } == Array(id.description.utf8))
        let read = try #require(JobID(text: id.description))
        #expect(read == id && read.hashValue == id.hashValue)
        #expect(read != JobID(planID: "birthday-gold", memberID: "m-1001", occurrence: "2026", actionIndex: 1))
        for text in [
            "", "d3cda55f-2147-8226-840a-70fb438e438", "d3cda55f-2147-8226-840a-70fb438e43800", "D3CDA55F-2147-8226-840A-70FB438E4380",
            "d3cda55f_2147-8226-840a-70fb438e4380", "d3cda55f-2147-8226-840a-70fb438e438g", "d3cda55f-2147-8226-840a-70fb-38e4380",
        ] {
            #expect(JobID(text: text) == nil, "\(text)")
        }
    }

    /// Consumers use job ids as idempotency keys, so the derivation must never change between releases.
    @Test func idsAreTheSameAsEveryEarlierRelease() {
        // Computed independently: SHA-256 of "plan\0member\0occurrence\0action", 16 bytes, version 8, RFC 9562 variant.
        #expect(JobID.make(planID: "birthday-gold", memberID: "m-1001", occurrence: "2026", actionIndex: 0) == "d3cda55f-2147-8226-840a-70fb438e4380")
        // A two-block message (more than 55 bytes) and a two-digit action index.
        #expect(
            JobID.make(planID: "points-expiring-reminder", memberID: "m-123456789012345", occurrence: "2026-03-01T00:00:00.250Z/30d", actionIndex: 12)
                == "224e466a-3cea-8ee6-b448-be881d1101b0")
        // No caller passes a negative index; one still hashes its sign, as when the index went through String(_:)
        // (the expected id from Python hashlib, the same derivation as the first line).
        #expect(JobID.make(planID: "p", memberID: "m", occurrence: "o", actionIndex: -1) == "bf66c794-fee8-8fa0-a8dd-9594b8284cd5")
    }

    @Test func fnv1aMatchesTheReferenceVector() {
        var hash = FNV1a64()
        hash.combine("a")
        #expect(hash.value == 0xaf63_dc4c_8601_ec8c)
    }
}
