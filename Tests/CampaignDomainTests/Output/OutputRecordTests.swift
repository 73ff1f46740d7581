@testable import CampaignDomain
import TestSupport
import Testing

/// A record keeps its key, value and headers in one array; what comes out must be what went in, part by part.
@Suite struct OutputRecordTests {
    @Test func partsComeBackAsTheyWentIn() {
        let headers = [
            OutputRecord.Header("content-type", "application/json"), OutputRecord.Header("empty", ""),
            OutputRecord.Header("job-id", "0b5c…"), OutputRecord.Header("content-type", "second"),
        ]
        let record = OutputRecord(role: .couponJobs, key: Array("m-1".utf8), value: Array(#"{"a":1}"#.utf8), headers: headers, planID: "p")
        #expect(record.key == Array("m-1".utf8))
        #expect(record.value == Array(#"{"a":1}"#.utf8))
        #expect(record.headers == headers)
        // The first header of a name, as text; none for a name not there.
        #expect(record.header("content-type") == "application/json")
        #expect(record.header("empty") == "")
        #expect(record.header("job-id") == "0b5c…")
        #expect(record.header("traceparent") == nil)
        record.withParts { parts in
            #expect(parts.headerNames == headers.map(\.key))
            #expect(parts.headerNames.indices.map { Array(parts.headerValue($0)) } == headers.map(\.value))
            #expect(parts.key.map(Array.init) == Array("m-1".utf8))
        }
    }

    /// Null is not empty: a record without a key, or a tombstone, says so, and an empty key or value stays empty.
    @Test func noneAndEmptyStayApart() {
        let tombstone = OutputRecord(role: .deadLetters, key: nil, value: nil, headers: [])
        #expect(tombstone.key == nil && tombstone.value == nil && tombstone.headers.isEmpty)
        tombstone.withParts { #expect($0.key == nil && $0.value == nil) }
        let empty = OutputRecord(role: .deadLetters, key: [], value: [], headers: [OutputRecord.Header("h", "")])
        #expect(empty.key == [] && empty.value == [])
        empty.withParts { #expect($0.key?.count == 0 && $0.value?.count == 0 && $0.headerValue(0).isEmpty) }
        // Records alike but for a null or an empty key, or value, differ.
        let header = [OutputRecord.Header("h", "")]
        #expect(OutputRecord(role: .deadLetters, key: nil, value: [1], headers: header) != OutputRecord(role: .deadLetters, key: [], value: [1], headers: header))
        #expect(OutputRecord(role: .deadLetters, key: [1], value: nil, headers: header) != OutputRecord(role: .deadLetters, key: [1], value: [], headers: header))
        let keyOnly = OutputRecord(role: .deadLetters, key: [1, 2], value: nil, headers: [OutputRecord.Header("h", "v")])
        #expect(keyOnly.key == [1, 2] && keyOnly.value == nil && keyOnly.header("h") == "v")
    }

    /// Equal parts make equal records, however they were built; any part that differs makes them differ.
    @Test func equalityFollowsTheParts() {
        let a = OutputRecord(role: .decisions, key: [1], value: [2, 3], headers: [OutputRecord.Header("h", "x")])
        #expect(a == OutputRecord(role: .decisions, key: [1], value: [2, 3], headers: [OutputRecord.Header("h", "x")]))
        // The same bytes split differently between key and value.
        #expect(a != OutputRecord(role: .decisions, key: [1, 2], value: [3], headers: [OutputRecord.Header("h", "x")]))
        #expect(a != OutputRecord(role: .decisions, key: [1], value: [2, 3], headers: [OutputRecord.Header("g", "x")]))
        #expect(a != OutputRecord(role: .decisions, key: [1], value: [2, 3], headers: [OutputRecord.Header("h", "y")]))
        #expect(a != OutputRecord(role: .decisions, key: [1], value: [2, 3, 4], headers: [OutputRecord.Header("h", "x")]))
    }

    /// The encoder writes straight into the record; its parts read back as the contract's key, value and headers.
    @Test func encodedJobsCarryTheirPartsInPlace() throws {
        let trigger = TriggerRef(type: "birthday", occurrence: "2026", firedAt: Instant.at("2026-03-09T09:00:00Z"))
        let encoder = JobEncoder(
            memberID: "m-42", planID: "birthday-gold", planVersion: 2, trigger: trigger, createdAt: Instant.at("2026-03-09T09:00:01Z"),
            traceparent: "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01")
        let jobID = JobID(planID: "birthday-gold", memberID: "m-42", occurrence: "2026", actionIndex: 0)
        let job = encoder.couponJob(
            jobID: jobID, coupon: CouponAction(template: "BDAY", validity: .days(1)), validFrom: trigger.firedAt,
            validUntil: trigger.firedAt.adding(seconds: 86_400))
        #expect(job.key == Array("m-42".utf8))
        #expect(job.headers.map(\.key) == ["content-type", "job-id", "plan-id", "traceparent"])
        #expect(job.header("job-id") == jobID.description)
        #expect(job.header("plan-id") == "birthday-gold")
        #expect(job.header("traceparent") == "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01")
        let bytes = try #require(job.value)
        let value = try #require(try JSONParser.parse(bytes).objectValue)
        #expect(value["jobId"]?.stringValue == jobID.description)
        let decision = encoder.decision(reason: nil, jobIDs: [jobID], suppressedActions: [])
        #expect(decision.headers.map(\.key) == ["content-type", "plan-id", "traceparent"])
        #expect(decision.key == Array("m-42".utf8))
    }
}
