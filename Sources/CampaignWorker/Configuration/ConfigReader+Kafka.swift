import CampaignDomain

extension ConfigReader {
    /// A `kafka` property given as `{"file": PATH}` or `{"env": NAME}` instead of a value.
    mutating func readKafkaReference(_ object: JSONObject, property: String, into config: inout WorkerConfig) {
        let path = "$.kafka.\(property)"
        guard object.members.count == 1, let member = object.members.first, let text = member.value.stringValue, !text.isEmpty else {
            fail(path, "a reference is {\"file\": \"/run/secrets/NAME\"} or {\"env\": \"VARIABLE\"}, with one non-empty string")
            return
        }
        switch member.key {
        case "file": config.kafkaReferences[property] = .file(text)
        case "env": config.kafkaReferences[property] = .environment(text)
        default: fail("\(path).\(member.key)", "unknown key; a reference is {\"file\": PATH} or {\"env\": VARIABLE}")
        }
    }
}
