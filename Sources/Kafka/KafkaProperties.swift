import CRdKafka

/// Checks librdkafka properties without creating a client (no connection is made).
public enum KafkaProperties {
    /// Every property librdkafka does not know or whose value it refuses, one error each, in name order.
    ///
    /// Values are checked as `rd_kafka_conf_set` checks them (types, ranges, enumerations, features built into this
    /// librdkafka, e.g. SSL and SASL mechanisms); files they name are only opened when a client is created. An error
    /// carries librdkafka's explanation only for properties `showingValues` allows, with the value itself cut out;
    /// for the others (secrets) it names the property alone.
    public static func problems(in properties: [String: String], showingValues: (String) -> Bool = { _ in false }) -> [KafkaError] {
        let conf = RDKafkaConf(operation: "check configuration")
        var problems: [KafkaError] = []
        for name in properties.keys.sorted() {
            let value = properties[name] ?? ""
            do {
                try conf.set(name, value)
            } catch {
                var error = error
                if error.message.hasPrefix("invalid value"), showingValues(name), let detail = explanation(name, value) {
                    error.message += ": " + detail
                }
                problems.append(error)
            }
        }
        return problems
    }

    /// librdkafka's explanation of why `value` is refused for `name`, with every occurrence of the value cut out.
    private static func explanation(_ name: String, _ value: String) -> String? {
        guard let scratch = rd_kafka_conf_new() else { return nil }
        defer { rd_kafka_conf_destroy(scratch) }
        var errstr = [CChar](repeating: 0, count: 512)
        guard rd_kafka_conf_set(scratch, name, value, &errstr, errstr.count) != RD_KAFKA_CONF_OK else { return nil }
        let text = String(cBuffer: errstr)
        return value.isEmpty ? text : text.replacing(value, with: "…")
    }
}
