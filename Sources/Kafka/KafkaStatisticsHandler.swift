/// Receives librdkafka's statistics JSON (`statistics.interval.ms`), as the raw bytes librdkafka emitted.
///
/// Called on the thread that polls the client (for a consumer, inside `KafkaConsumer.poll`), once per interval.
/// It must be quick and must not call back into the client; parse only what you need.
public typealias KafkaStatisticsHandler = @Sendable (_ json: [UInt8]) -> Void
