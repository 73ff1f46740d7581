import CampaignDomain

extension WorkerConfig {
    /// The configuration as the worker will use it, as a config file: every key with its effective value, defaults
    /// included, one top-level key a line. Secret `kafka` values print as `KafkaSecrets.mask`.
    ///
    /// Apart from the masked values, the output is itself a valid config file that loads to the same configuration.
    public func effectiveJSON() -> String {
        var lines: [String] = []
        func member(_ key: String, _ write: (inout JSONWriter) -> Void) {
            var w = JSONWriter()
            w.beginObject()
            w.key(key)
            write(&w)
            w.endObject()
            lines.append(String(w.string.dropFirst().dropLast()))
        }
        member("kafka") { w in
            w.beginObject()
            for property in kafka.keys.sorted() {
                w.member(property, KafkaSecrets.isSecret(property) ? KafkaSecrets.mask : kafka[property] ?? "")
            }
            w.endObject()
        }
        member("groupId") { $0.string(groupID) }
        member("instanceId") { w in if let instanceID { w.string(instanceID) } else { w.null() } }
        member("processingGuarantee") { $0.string(processingGuarantee.rawValue) }
        member("topics") { w in
            w.beginObject()
            w.key("activity")
            w.beginArray()
            for topic in topics.activity { w.string(topic) }
            w.endArray()
            w.member("plans", topics.plans)
            w.member("couponJobs", topics.couponJobs)
            w.member("notificationJobs", topics.notificationJobs)
            w.member("decisions", topics.decisions)
            w.member("deadLetters", topics.deadLetters)
            w.endObject()
        }
        member("plans") { w in
            w.beginObject()
            w.member("path", plansPath)
            w.member("reloadIntervalMs", plansReloadIntervalMillis)
            w.key("skipInvalidAtStart")
            w.bool(plansSkipInvalidAtStart)
            w.endObject()
        }
        member("http") { w in
            w.beginObject()
            w.member("listen", httpListen)
            w.endObject()
        }
        member("programme") { writeProgramme(&$0) }
        member("commitIntervalMs") { $0.int(commitIntervalMillis) }
        member("maxRecordBytes") { $0.int(maxRecordBytes) }
        member("logLevel") { $0.string(logLevel.rawValue) }
        member("processingThreads") { $0.int(processingThreads) }
        return "{\n  " + lines.joined(separator: ",\n  ") + "\n}\n"
    }

    private func writeProgramme(_ w: inout JSONWriter) {
        w.beginObject()
        w.member("timeZone", programme.timeZone.identifier)
        w.key("tiers")
        w.beginArray()
        for tier in programme.tiers { w.string(tier) }
        w.endArray()
        w.key("pointsExpiry")
        w.beginObject()
        switch programme.pointsExpiry {
        case .endOfYearAfter(let years):
            w.member("policy", "endOfYearAfter")
            w.member("years", years)
        case .rolling(let duration):
            w.member("policy", "rolling")
            w.member("duration", duration.text)
        case .never:
            w.member("policy", "never")
        }
        w.endObject()
        w.member("maxLateness", programme.maxLateness?.text)
        w.key("caps")
        w.beginArray()
        for cap in programme.caps {
            w.beginObject()
            w.member("channel", cap.channel?.rawValue ?? "*")
            w.member("count", cap.count)
            w.member("within", cap.within.text)
            w.endObject()
        }
        w.endArray()
        w.key("activityTypes")
        w.beginArray()
        for type in programme.activityTypes.sorted() { w.string(type) }
        w.endArray()
        w.member("maxClockSkew", "PT\(programme.maxClockSkewSeconds)S")
        w.endObject()
    }
}
