import CampaignDomain

/// Walks the config JSON, collecting every problem with its JSON path.
struct ConfigReader {
    let source: String
    var errors: [ConfigError] = []

    init(source: String) { self.source = source }

    mutating func fail(_ path: String, _ reason: String) {
        errors.append(ConfigError("\(source): \(path)", reason))
    }

    mutating func read(_ json: JSONValue) -> WorkerConfig {
        var config = WorkerConfig()
        guard let root = object(json, "$") else { return config }
        keys(root, "$", ["kafka", "groupId", "instanceId", "processingGuarantee", "topics", "plans", "http", "programme", "commitIntervalMs", "maxRecordBytes", "logLevel", "processingThreads"])
        if let kafka = root["kafka"], let object = object(kafka, "$.kafka") {
            config.kafka = [:]
            for member in object.members {
                switch member.value {
                case .string(let text): config.kafka[member.key] = text
                case .number(let text): config.kafka[member.key] = text
                case .bool(let flag): config.kafka[member.key] = flag ? "true" : "false"
                case .object(let reference): readKafkaReference(reference, property: member.key, into: &config)
                default: fail("$.kafka.\(member.key)", "librdkafka properties are strings, numbers, booleans or {\"file\": PATH} / {\"env\": NAME} references, not \(member.value.typeName)")
                }
            }
        }
        if let text = string(root, "groupId", "$") {
            if text.isEmpty { fail("$.groupId", "must not be empty") } else { config.groupID = text }
        }
        config.instanceID = string(root, "instanceId", "$")
        if let text = string(root, "processingGuarantee", "$") {
            switch text {
            case "at_least_once": config.processingGuarantee = .atLeastOnce
            case "exactly_once": config.processingGuarantee = .exactlyOnce
            default: fail("$.processingGuarantee", "must be \"at_least_once\" or \"exactly_once\", not \(text)")
            }
        }
        if let topics = root["topics"], let object = object(topics, "$.topics") {
            readTopics(object, into: &config.topics)
        }
        if let plans = root["plans"], let object = object(plans, "$.plans") {
            keys(object, "$.plans", ["path", "reloadIntervalMs", "skipInvalidAtStart"])
            config.plansPath = string(object, "path", "$.plans")
            if let value = object["reloadIntervalMs"] {
                if let ms = value.intValue, ms >= 10, ms <= 3_600_000 { config.plansReloadIntervalMillis = ms } else { fail("$.plans.reloadIntervalMs", "must be a whole number of milliseconds from 10 to 3600000") }
            }
            if let value = object["skipInvalidAtStart"] {
                if let flag = value.boolValue { config.plansSkipInvalidAtStart = flag } else { fail("$.plans.skipInvalidAtStart", "must be true or false") }
            }
        }
        if let http = root["http"], let object = object(http, "$.http") {
            keys(object, "$.http", ["listen"])
            if let listen = string(object, "listen", "$.http") {
                if ListenAddress(listen) != nil {
                    config.httpListen = listen
                } else {
                    fail("$.http.listen", "must be HOST:PORT such as 0.0.0.0:9464 or [::]:9464, not \(listen)")
                }
            }
        }
        if let programme = root["programme"], let object = object(programme, "$.programme") {
            readProgramme(object, into: &config.programme)
        }
        if let value = root["commitIntervalMs"] {
            if let ms = value.intValue, ms >= 1, ms <= 60_000 { config.commitIntervalMillis = ms } else { fail("$.commitIntervalMs", "must be a whole number of milliseconds from 1 to 60000") }
        }
        if let value = root["processingThreads"] {
            if let threads = value.intValue, (1...64).contains(threads) { config.processingThreads = threads } else { fail("$.processingThreads", "must be a whole number of threads from 1 to 64") }
        }
        if let value = root["maxRecordBytes"] {
            if let bytes = value.intValue, bytes >= 1024 { config.maxRecordBytes = bytes } else { fail("$.maxRecordBytes", "must be a whole number of bytes, at least 1024") }
        }
        if let value = root["logLevel"] {
            if let level = value.stringValue.flatMap(Logger.Level.init(rawValue:)) { config.logLevel = level } else { fail("$.logLevel", "must be \(Logger.Level.names)") }
        }
        return config
    }

    mutating func readTopics(_ object: JSONObject, into topics: inout WorkerConfig.Topics) {
        let path = "$.topics"
        keys(object, path, ["activity", "plans", "couponJobs", "notificationJobs", "decisions", "deadLetters"])
        if let value = object["activity"] {
            switch value {
            case .string(let name) where !name.isEmpty: topics.activity = [name]
            case .array(let names) where !names.isEmpty && names.allSatisfy({ !($0.stringValue ?? "").isEmpty }):
                topics.activity = names.compactMap(\.stringValue)
            default: fail(path + ".activity", "must be a topic name or a non-empty array of topic names")
            }
        }
        if object["plans"] != nil { topics.plans = string(object, "plans", path).flatMap { $0.isEmpty ? nil : $0 } }
        if let name = requiredName(object, "couponJobs", path) { topics.couponJobs = name }
        if let name = requiredName(object, "notificationJobs", path) { topics.notificationJobs = name }
        if object["decisions"] != nil { topics.decisions = string(object, "decisions", path).flatMap { $0.isEmpty ? nil : $0 } }
        if let name = requiredName(object, "deadLetters", path) { topics.deadLetters = name }
    }

    mutating func readProgramme(_ object: JSONObject, into programme: inout Programme) {
        let path = "$.programme"
        keys(object, path, ["timeZone", "tiers", "pointsExpiry", "maxLateness", "caps", "activityTypes", "maxClockSkew"])
        if let name = string(object, "timeZone", path) {
            if let zone = Zone(identifier: name) { programme.timeZone = zone } else { fail(path + ".timeZone", "unknown IANA time zone \(name); use a name such as Asia/Shanghai") }
        }
        if let value = object["tiers"] {
            let tiers = value.arrayValue?.compactMap(\.stringValue) ?? []
            if tiers.isEmpty || tiers.count != value.arrayValue?.count || Set(tiers).count != tiers.count {
                fail(path + ".tiers", "must be a non-empty array of distinct tier names, lowest first")
            } else {
                programme.tiers = tiers
            }
        }
        if let value = object["pointsExpiry"], let expiry = self.object(value, path + ".pointsExpiry") {
            let expiryPath = path + ".pointsExpiry"
            switch string(expiry, "policy", expiryPath) {
            case "endOfYearAfter":
                keys(expiry, expiryPath, ["policy", "years"])
                if let years = expiry["years"]?.intValue, years >= 0, years <= 100 { programme.pointsExpiry = .endOfYearAfter(years: years) } else { fail(expiryPath + ".years", "endOfYearAfter needs \"years\", a whole number from 0 to 100") }
            case "rolling":
                keys(expiry, expiryPath, ["policy", "duration"])
                if let duration = duration(expiry, "duration", expiryPath) { programme.pointsExpiry = .rolling(duration) } else if expiry["duration"] == nil { fail(expiryPath, "rolling needs \"duration\", e.g. \"P12M\"") }
            case "never":
                keys(expiry, expiryPath, ["policy"])
                programme.pointsExpiry = .never
            default:
                fail(expiryPath + ".policy", "must be \"endOfYearAfter\", \"rolling\" or \"never\"")
            }
        }
        if object["maxLateness"] != nil, let duration = duration(object, "maxLateness", path) { programme.maxLateness = duration }
        if object["maxClockSkew"] != nil, let duration = duration(object, "maxClockSkew", path) { programme.maxClockSkewSeconds = duration.approximateSeconds }
        if let value = object["activityTypes"] {
            let types = value.arrayValue?.compactMap(\.stringValue) ?? []
            if types.count != value.arrayValue?.count { fail(path + ".activityTypes", "must be an array of event type names") } else { programme.activityTypes = Set(types) }
        }
        if let value = object["caps"] {
            guard case .array(let caps) = value else {
                fail(path + ".caps", "must be an array of caps such as {\"channel\":\"*\",\"count\":3,\"within\":\"P7D\"}")
                return
            }
            programme.caps = []
            for (index, element) in caps.enumerated() {
                let capPath = "\(path).caps[\(index)]"
                guard let cap = self.object(element, capPath) else { continue }
                keys(cap, capPath, ["channel", "count", "within"])
                var channel: Channel?
                switch string(cap, "channel", capPath) {
                case "*": channel = nil
                case .some(let name):
                    guard let known = Channel(rawValue: name) else {
                        fail(capPath + ".channel", "unknown channel \(name); use \"*\" or one of sms, email, push, wechat, inbox")
                        continue
                    }
                    channel = known
                case .none:
                    fail(capPath, "missing \"channel\" (\"*\" counts every channel)")
                    continue
                }
                guard let count = cap["count"]?.intValue, count >= 1 else {
                    fail(capPath + ".count", "must be a whole number, at least 1")
                    continue
                }
                guard let within = duration(cap, "within", capPath) else {
                    if cap["within"] == nil { fail(capPath, "missing \"within\", e.g. \"P7D\"") }
                    continue
                }
                programme.caps.append(NotificationCap(channel: channel, count: count, within: within))
            }
        }
    }

    // MARK: Helpers

    mutating func object(_ value: JSONValue, _ path: String) -> JSONObject? {
        guard case .object(let object) = value else {
            fail(path, "must be an object, not \(value.typeName)")
            return nil
        }
        return object
    }

    mutating func keys(_ object: JSONObject, _ path: String, _ allowed: [String]) {
        for key in object.keys where !allowed.contains(key) {
            fail("\(path).\(key)", "unknown key; expected one of \(allowed.joined(separator: ", "))")
        }
    }

    mutating func string(_ object: JSONObject, _ key: String, _ path: String) -> String? {
        guard let value = object[key], !value.isNull else { return nil }
        guard let text = value.stringValue else {
            fail("\(path).\(key)", "must be a string, not \(value.typeName)")
            return nil
        }
        return text
    }

    mutating func requiredName(_ object: JSONObject, _ key: String, _ path: String) -> String? {
        guard object[key] != nil else { return nil }
        guard let name = string(object, key, path), !name.isEmpty else {
            if object[key]?.isNull == true || object[key]?.stringValue == "" { fail("\(path).\(key)", "must name a topic") }
            return nil
        }
        return name
    }

    mutating func duration(_ object: JSONObject, _ key: String, _ path: String) -> ISODuration? {
        guard let text = string(object, key, path) else { return nil }
        guard let duration = ISODuration(text), duration.approximateSeconds > 0 else {
            fail("\(path).\(key)", "must be an ISO 8601 duration such as PT6H or P7D, not \(text)")
            return nil
        }
        return duration
    }
}
