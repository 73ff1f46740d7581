import CampaignDomain
import TestSupport
import Testing

/// The schema subset validator itself: every keyword accepts what it should and rejects what it should.
@Suite struct JSONSchemaValidatorTests {
    let directory: TemporaryDirectory

    init() throws {
        directory = try TemporaryDirectory()
    }

    func violations(_ instance: String, _ schema: String, extra: [String: String] = [:]) throws -> [String] {
        try directory.write("s.json", schema)
        for (name, text) in extra { try directory.write(name, text) }
        return try JSONSchemaValidator(directory: directory.path).validate(JSONParser.parse(instance), against: "s.json").map(\.description)
    }

    @Test func typesEnumsAndConstants() throws {
        #expect(try violations("3", #"{"type":"integer"}"#) == [])
        #expect(try violations("3.5", #"{"type":"integer"}"#) == ["$: is number, expected integer"])
        #expect(try violations("null", #"{"type":["string","null"]}"#) == [])
        #expect(try violations(#""x""#, #"{"enum":["a","b"]}"#) == ["$: is not one of the allowed values"])
        #expect(try violations("1.0", #"{"const":1}"#) == [], "numbers compare by value")
        #expect(try violations(#"{"b":2,"a":1}"#, #"{"const":{"a":1,"b":2}}"#) == [], "objects compare regardless of member order")
        #expect(try violations(#""1.1""#, #"{"const":"1.0"}"#) == [#"$: must be "1.0""#])
    }

    @Test func objects() throws {
        let schema = #"{"type":"object","required":["a"],"properties":{"a":{"type":"string"}},"additionalProperties":false,"maxProperties":2}"#
        #expect(try violations(#"{"a":"x"}"#, schema) == [])
        #expect(try violations(#"{"b":1}"#, schema) == [#"$: misses required member "a""#, "$.b: is not an allowed member"])
        #expect(try violations(#"{"a":1}"#, schema) == ["$.a: is number, expected string"])
        #expect(try violations(#"{"x":1}"#, #"{"additionalProperties":{"type":"boolean"}}"#) == ["$.x: is number, expected boolean"])
        #expect(try violations(#"{"a":1}"#, #"{"minProperties":2}"#) == ["$: has fewer than 2 members"])
    }

    @Test func arraysStringsAndNumbers() throws {
        #expect(try violations("[1,2,2]", #"{"items":{"type":"integer"},"uniqueItems":true,"maxItems":2}"#)
            == ["$: has more than 2 items", "$: has a repeated item at [2]"])
        #expect(try violations(#"[1,"x"]"#, #"{"items":{"type":"integer"},"minItems":1}"#) == ["$[1]: is string, expected integer"])
        #expect(try violations(#""ab""#, #"{"minLength":3,"pattern":"^a"}"#) == ["$: is shorter than 3"])
        #expect(try violations(#""ba""#, #"{"pattern":"^a"}"#) == ["$: does not match ^a"])
        #expect(try violations(#""a\n""#, #"{"pattern":"^a$"}"#) == ["$: does not match ^a$"], "$ is the end of input, as in ECMA-262")
        #expect(try violations(#""a$""#, #"{"pattern":"^a\\$"}"#) == [], "an escaped $ is a dollar sign")
        #expect(try violations("-1", #"{"minimum":0,"maximum":10}"#) == ["$: is below the minimum 0"])
        #expect(try violations("11", #"{"minimum":0,"maximum":10}"#) == ["$: is above the maximum 10"])
        #expect(try violations(#""2026-03-09T01:00:00Z""#, #"{"format":"date-time"}"#) == [])
        #expect(try violations(#""2026-03-09T09:00:00.5+08:00""#, #"{"format":"date-time"}"#) == [])
        for bad in [#""2026-02-30T01:00:00Z""#, #""2026-03-09 01:00""#, #""yesterday""#] {
            #expect(try violations(bad, #"{"format":"date-time"}"#) == ["$: is not an RFC 3339 date-time"], "\(bad)")
        }
        #expect(try violations(#""2026-13-01""#, #"{"format":"date"}"#) == ["$: is not a date YYYY-MM-DD"])
    }

    @Test func combinatorsAndReferences() throws {
        let oneOf = #"{"oneOf":[{"type":"integer"},{"type":"number","minimum":5}]}"#
        #expect(try violations("1", oneOf) == [])
        #expect(try violations("7", oneOf) == ["$: matches 2 of the oneOf alternatives, not exactly one"])
        #expect(try violations(#""x""#, #"{"anyOf":[{"type":"integer"},{"type":"null"}]}"#) == ["$: matches none of the anyOf alternatives"])
        #expect(try violations("1", #"{"allOf":[{"type":"integer"},{"minimum":2}]}"#) == ["$: is below the minimum 2"])
        #expect(try violations("1", #"{"not":{"type":"integer"}}"#) == ["$: matches a schema it must not match"])
        let local = ##"{"$ref":"#/definitions/id","definitions":{"id":{"type":"string"}}}"##
        #expect(try violations("1", local) == ["$: is number, expected string"])
        let remote = ##"{"properties":{"id":{"$ref":"other.json#/definitions/id"}}}"##
        #expect(try violations(#"{"id":2}"#, remote, extra: ["other.json": #"{"definitions":{"id":{"type":"string"}}}"#])
            == ["$.id: is number, expected string"])
    }

    @Test func unsupportedKeywordsAndBrokenReferencesAreErrors() {
        #expect(throws: JSONSchemaValidator.SchemaError.self) { try violations("1", #"{"multipleOf":2}"#) }
        #expect(throws: JSONSchemaValidator.SchemaError.self) { try violations(#""x""#, #"{"format":"email"}"#) }
        #expect(throws: JSONSchemaValidator.SchemaError.self) { try violations("1", ##"{"$ref":"#/definitions/missing"}"##) }
        #expect(throws: JSONSchemaValidator.SchemaError.self) { try violations("1", #"{"$ref":"nowhere.json"}"#) }
    }
}
