import CampaignWorker
import Kafka
import Testing

@Suite struct ConsumerLagStatisticsTests {
    /// The shape librdkafka documents for a consumer's statistics, cut down to the members that matter here.
    static let statistics = """
        {"name":"rdkafka#consumer-1","type":"consumer","ts":1,"brokers":{},
         "topics":{"member-activity":{"topic":"member-activity","partitions":{
            "0":{"partition":0,"desired":true,"fetch_state":"active","committed_offset":10,"hi_offset":14,"consumer_lag":4},
            "1":{"partition":1,"desired":true,"fetch_state":"active","committed_offset":-1001,"hi_offset":3,"consumer_lag":-1},
            "2":{"partition":2,"desired":false,"fetch_state":"none","consumer_lag":9},
            "-1":{"partition":-1,"desired":false,"consumer_lag":-1}}},
          "pos-activity":{"topic":"pos-activity","partitions":{"0":{"partition":0,"desired":true,"consumer_lag":0}}}}}
        """

    @Test func readsTheLagOfFetchedPartitionsWithAKnownLag() throws {
        let parsed = try #require(ConsumerLagStatistics(json: Array(Self.statistics.utf8)))
        #expect(parsed.lag == [
            TopicPartition(topic: "member-activity", partition: 0): 4,
            TopicPartition(topic: "pos-activity", partition: 0): 0,
        ])
    }

    @Test func refusesWhatIsNotJSON() {
        #expect(ConsumerLagStatistics(json: Array("{not json".utf8)) == nil)
        #expect(ConsumerLagStatistics(json: Array("{}".utf8))?.lag == [:])
    }
}
