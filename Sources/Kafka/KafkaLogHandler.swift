/// Receives librdkafka log lines: syslog level (0 emergency ... 7 debug), facility, message.
///
/// Called on librdkafka's internal threads; it must be quick and must not call back into Kafka APIs.
public typealias KafkaLogHandler = @Sendable (_ level: Int32, _ facility: String, _ message: String) -> Void
