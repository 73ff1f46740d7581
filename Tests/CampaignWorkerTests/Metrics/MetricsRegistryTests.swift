import CampaignWorker
import Testing

@Suite struct MetricsRegistryTests {
    @Test func rendersFamiliesInNameOrderAndSeriesInLabelOrder() {
        let registry = MetricsRegistry()
        let jobs = registry.counter("b_jobs_total", help: "Jobs.", labels: ["plan", "channel"])
        let members = registry.gauge("a_members", help: "Members.")
        jobs.increment("win-back", "sms")
        jobs.increment(by: 2, "birthday", "wechat")
        jobs.increment("birthday", "sms")
        members.set(42)
        #expect(registry.render() == """
            # HELP a_members Members.
            # TYPE a_members gauge
            a_members 42
            # HELP b_jobs_total Jobs.
            # TYPE b_jobs_total counter
            b_jobs_total{plan="birthday",channel="sms"} 1
            b_jobs_total{plan="birthday",channel="wechat"} 2
            b_jobs_total{plan="win-back",channel="sms"} 1

            """)
        // The same state renders the same text.
        #expect(registry.render() == registry.render())
    }

    @Test func escapesLabelValuesAndHelpText() {
        let registry = MetricsRegistry()
        let counter = registry.counter("x_total", help: "Back\\slash and\nnewline.", labels: ["v"])
        counter.increment(#"a"b\c"# + "\nd")
        let text = registry.render()
        #expect(text.contains(#"# HELP x_total Back\\slash and\nnewline."#))
        #expect(text.contains(#"x_total{v="a\"b\\c\nd"} 1"#))
        #expect(text.split(separator: "\n").count == 3, "an escaped value never breaks the line")
    }

    @Test func histogramsAreCumulativeWithSumAndCount() {
        let registry = MetricsRegistry()
        let latency = registry.histogram("lat_seconds", help: "Latency.", labels: ["trigger"], buckets: [0.5, 1, 10])
        for value in [0.2, 0.5, 3, 30] { latency.observe(value, "birthday") }
        #expect(registry.render() == """
            # HELP lat_seconds Latency.
            # TYPE lat_seconds histogram
            lat_seconds_bucket{trigger="birthday",le="0.5"} 2
            lat_seconds_bucket{trigger="birthday",le="1"} 2
            lat_seconds_bucket{trigger="birthday",le="10"} 3
            lat_seconds_bucket{trigger="birthday",le="+Inf"} 4
            lat_seconds_sum{trigger="birthday"} 33.7
            lat_seconds_count{trigger="birthday"} 4

            """)
    }

    @Test func unlabelledFamiliesStartAtZeroAndGaugesLoseReplacedSeries() {
        let registry = MetricsRegistry()
        _ = registry.counter("commits_total", help: "Commits.")
        let lag = registry.gauge("lag", help: "Lag.", labels: ["partition"])
        lag.replaceAll([["0"]: 5, ["1"]: 7])
        lag.replaceAll([["1"]: 0.25])
        let text = registry.render()
        #expect(text.contains("commits_total 0\n"))
        #expect(!text.contains(#"lag{partition="0"}"#))
        #expect(text.contains(#"lag{partition="1"} 0.25"#))
        #expect(registry.value("lag", ["1"]) == 0.25)
    }

    @Test func collectorsRunBeforeEachRender() {
        let registry = MetricsRegistry()
        let gauge = registry.gauge("g", help: "G.")
        registry.addCollector { gauge.set(7) }
        #expect(registry.render().contains("g 7\n"))
    }
}
