import CampaignDomain
import CampaignWorker
import Foundation
import Kafka

/// Event-to-job latency through the mock cluster at a fixed input rate: from producing an order to reading the
/// coupon job it caused (committed, since the worker commits only after delivery).
enum LatencyBench {
    struct Result {
        var rate: Double
        var samples: Int
        var p50Millis: Double
        var p99Millis: Double
    }

    static func run(rate: Double, seconds: Double, threads: Int) throws -> Result {
        let silent = PipelineBench.silent
        let cluster = try MockKafkaCluster(brokers: 1, logHandler: silent)
        cluster.setGroupInitialRebalanceDelay(.milliseconds(50))
        var config = WorkerConfig()
        config.processingThreads = threads
        config.topics.plans = nil
        config.topics.decisions = nil
        try cluster.createTopic("member-activity", partitions: 4)
        for role in OutputRole.allCases { if let topic = config.topics.topic(for: role) { try cluster.createTopic(topic, partitions: 4) } }
        // The mock cluster holds a fetch for the whole fetch.wait.max.ms (500 ms by default) even when records arrive
        // meanwhile; a real broker answers as soon as there is data. 10 ms keeps that mock artefact out of the figure.
        config.kafka = ["bootstrap.servers": cluster.bootstrapServers, "session.timeout.ms": "6000", "heartbeat.interval.ms": "500", "fetch.wait.max.ms": "10"]
        config.groupID = "bench-latency"
        // The mock cluster has no CreateTopics API, so the worker's changelog is made here.
        try cluster.createTopic(config.changelogTopic, partitions: 4)
        config.programme.maxLateness = nil
        let plan = PlanParser().parse(Array(#"{"id":"every-order","trigger":{"type":"event","eventType":"order.completed"},"actions":[{"type":"coupon","template":"C","validDays":1}]}"#.utf8), source: "bench").plans
        let worker = Worker(config: config, plans: plan, clock: SystemClock(), logger: Logger(minimumLevel: .error))
        let stop = StopSignal()
        let thread = Thread { try? worker.run(until: stop) }
        thread.start()
        while worker.statistics.snapshot.assignedPartitions.isEmpty || !worker.statistics.isReady { Thread.sleep(forTimeInterval: 0.005) }

        let reader = try KafkaReader(
            properties: ["bootstrap.servers": cluster.bootstrapServers, "isolation.level": "read_committed", "fetch.wait.max.ms": "5"],
            partitions: (0..<4).map { TopicPartitionOffset(topic: "coupon-jobs", partition: Int32($0), offset: TopicPartitionOffset.beginning) },
            logHandler: silent)
        let producer = try KafkaProducer(properties: ["bootstrap.servers": cluster.bootstrapServers, "linger.ms": "1"], logHandler: silent)
        func order(_ id: String, member: String) -> ProducerRecord {
            let json = #"{"specversion":"1.0","id":"\#(id)","source":"bench","type":"order.completed","subject":"\#(member)","time":"\#(SystemClock().now().rfc3339)","data":{"orderId":"\#(id)","amount":"10.00"}}"#
            return ProducerRecord(topic: "member-activity", key: Array(member.utf8), value: Array(json.utf8))
        }
        // Warm up until jobs flow: the first transaction, the clients' connections and leader lookups are start-up
        // (about two seconds on the mock cluster), not the steady-state latency being measured.
        var warmUp = 0
        let warmUpDeadline = ContinuousClock.now + .seconds(30)
        var flowing = false
        while !flowing, ContinuousClock.now < warmUpDeadline {
            try producer.send(order("w-\(warmUp)", member: "m-\(warmUp % 5000)"))
            warmUp += 1
            producer.poll()
            flowing = !(try reader.poll(maxRecords: 1000, timeout: .milliseconds(20))).isEmpty
        }
        // Jobs of the warm-up still in flight are read (and ignored) along with the measured ones.
        var sent: [String: ContinuousClock.Instant] = [:]
        var latencies: [Double] = []
        let total = Int(rate * seconds)
        let begin = ContinuousClock.now
        var sequence = 0
        /// Reads the jobs that arrived, waiting up to `timeout` for some (so the load generator does not spin).
        func drain(timeout: Duration) throws {
            for record in try reader.poll(maxRecords: 1000, timeout: timeout) {
                guard let value = record.value, let job = try? JSONParser.parse(value).objectValue,
                    let occurrence = job["trigger"]?.objectValue?["occurrence"]?.stringValue, let at = sent[occurrence]
                else { continue }
                latencies.append(Measure.seconds(ContinuousClock.now - at) * 1000)
            }
        }
        while sequence < total {
            let due = begin + .milliseconds(Int(Double(sequence) / rate * 1000))
            if ContinuousClock.now < due {
                try drain(timeout: .milliseconds(1))
                producer.poll()
                continue
            }
            let id = "l-\(sequence)"
            let member = "m-\(sequence % 5000)"
            sent[id] = .now
            try producer.send(order(id, member: member))
            sequence += 1
        }
        let deadline = ContinuousClock.now + .seconds(10)
        while latencies.count < total, ContinuousClock.now < deadline {
            producer.poll()
            try drain(timeout: .milliseconds(5))
        }
        stop.stop()
        while !thread.isFinished { Thread.sleep(forTimeInterval: 0.005) }
        latencies.sort()
        func percentile(_ p: Double) -> Double { latencies.isEmpty ? .nan : latencies[min(latencies.count - 1, Int(Double(latencies.count) * p))] }
        return Result(rate: rate, samples: latencies.count, p50Millis: percentile(0.50), p99Millis: percentile(0.99))
    }
}
