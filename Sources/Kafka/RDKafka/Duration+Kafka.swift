extension Duration {
    /// This duration as librdkafka's `int timeout_ms`: rounded up, clamped to 0 ... Int32.max.
    ///
    /// Rounded up so that a tiny positive timeout still waits instead of becoming non-blocking.
    var kafkaMilliseconds: Int32 {
        let (seconds, attoseconds) = components
        if seconds < 0 || (seconds == 0 && attoseconds <= 0) { return 0 }
        let attosecondsPerMillisecond: Int64 = 1_000_000_000_000_000
        let extra = (attoseconds + attosecondsPerMillisecond - 1) / attosecondsPerMillisecond
        let (millis, overflow) = seconds.multipliedReportingOverflow(by: 1000)
        if overflow { return Int32.max }
        return Int32(clamping: millis + extra)
    }
}
