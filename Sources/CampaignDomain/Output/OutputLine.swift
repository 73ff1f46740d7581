/// Encodes an output record as one `simulate` JSON line: `{"topic":…,"key":…,"headers":{…},"value":…}`.
///
/// Job and decision values are embedded as JSON objects; a dead letter's value is the original line as a string.
public enum OutputLine {
    public static func encode(_ record: OutputRecord, topic: String) -> [UInt8] {
        record.withParts { parts in
            var w = JSONWriter(reservingCapacity: (parts.value?.count ?? 0) + 256)
            w.beginObject()
            w.member("topic", topic)
            w.member("key", parts.key.map { String(decoding: $0, as: UTF8.self) })
            w.key("headers")
            w.beginObject()
            for index in parts.headerNames.indices {
                w.member(parts.headerNames[index], String(decoding: parts.headerValue(index), as: UTF8.self))
            }
            w.endObject()
            w.key("value")
            if let value = parts.value {
                if record.role == .deadLetters {
                    w.string(String(decoding: value, as: UTF8.self))
                } else {
                    w.raw(value)
                }
            } else {
                w.null()
            }
            w.endObject()
            return w.finish()
        }
    }
}
