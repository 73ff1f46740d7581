/// Which librdkafka properties hold secrets, and the rules the worker applies to `kafka` properties.
public enum KafkaSecrets {
    /// What a masked value prints as (the same whatever the length of the secret).
    public static let mask = "********"

    /// Words that make a property a secret wherever they appear in its name.
    static let secretWords = ["password", "secret", "key", "token", "credential", "jaas"]

    /// Whether a property's value is masked when the configuration is printed.
    ///
    /// Any name containing password, secret, key, token, credential or jaas (`sasl.password`, `ssl.key.password`,
    /// `ssl.key.pem`, `ssl_key`, `ssl.keystore.password`, `sasl.kerberos.keytab`, `sasl.jaas.config`, …) and every
    /// `sasl.oauthbearer.*` property (its config and client secret carry credentials, its token endpoint URL may). A
    /// `*.location` property is a path to a file, not its contents, and is shown so a wrong path can be spotted.
    public static func isSecret(_ property: String) -> Bool {
        let name = property.lowercased()
        if name.hasSuffix(".location") { return false }
        return name.hasPrefix("sasl.oauthbearer.") || secretWords.contains { name.contains($0) }
    }

    /// Properties the worker sets itself, and what to use instead; giving them in `kafka` is a configuration error.
    static func conflict(_ property: String, value: String) -> String? {
        switch property {
        case "group.id": "set by the worker from groupId (or CAMPAIGN_WORKER_GROUP_ID); remove it from kafka"
        case "group.instance.id": "set by the worker from instanceId (or CAMPAIGN_WORKER_INSTANCE_ID); remove it from kafka"
        case "transactional.id": "managed by the worker; remove it from kafka"
        case "enable.auto.commit" where value != "false":
            "the worker commits offsets itself after delivery; automatic commits would break its guarantee, remove it"
        case "enable.auto.offset.store" where value != "false":
            "the worker stores offsets itself after delivery; remove it"
        default: nil
        }
    }
}
