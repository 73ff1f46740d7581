/// Encodes an output record as one `simulate` JSON line: `{"topic":…,"key":…,"headers":{…},"value":…}`.
///
/// Job and decision values are embedded as JSON objects; a dead letter's value is the original line as a string.
public enum OutputLine {
    public static func encode(_ record: OutputRecord, topic: String) -> [UInt8] {
        var w = JSONWriter(reservingCapacity: (record.value?.count ?? 0) + 256)
        w.beginObject()
        w.member("topic", topic)
        w.member("key", record.key.map { String(decoding: $0, as: UTF8.self) })
        w.key("headers")
        w.beginObject()
        for header in record.headers { w.member(header.key, String(decoding: header.value, as: UTF8.self)) }
        w.endObject()
        w.key("value")
        if let value = record.value {
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
