import CampaignDomain
import TestSupport
import Testing

@Suite struct EventDrivenTriggerTests {
    var events = EventFactory()
    static let coupon = #"[{"type":"coupon","template":"C","validDays":7}]"#

    func plan(_ id: String, _ trigger: String, audience: String? = nil) -> Plan {
        PlanFactory.plan(#"{"id":"\#(id)","trigger":\#(trigger),"# + (audience.map { #""audience":\#($0),"# } ?? "") + #""actions":\#(Self.coupon)}"#)
    }

    mutating func order(_ member: String, _ time: String, _ amount: String) -> String {
        events.event("order.completed", member, at: time, data: #"{"orderId":"o-\#(time)","amount":"\#(amount)"}"#)
    }

    /// The engine asks only the plans of an event's type (`Trigger.firingEventType`): no other type may fire them.
    @Test mutating func anEventTriggerFiresOnlyForItsFiringEventType() throws {
        let triggers = [
            #"{"type":"firstPurchase"}"#, #"{"type":"tierChanged"}"#,
            #"{"type":"spendThreshold","amount":1,"period":"lifetime"}"#, #"{"type":"event","eventType":"member.activity"}"#,
            #"{"type":"event","eventType":"order.completed"}"#, #"{"type":"event","eventType":"store.visited"}"#,
        ].map { plan("p", $0).trigger }
        let lines = [
            order("m-1", "2026-01-06T12:00:00+08:00", "50"),
            events.event("order.refunded", "m-1", at: "2026-01-06T12:00:00+08:00", data: #"{"orderId":"o","amount":"5"}"#),
            events.event("tier.changed", "m-1", at: "2026-01-06T12:00:00+08:00", data: #"{"from":"silver","to":"gold"}"#),
            events.event("member.activity", "m-1", at: "2026-01-06T12:00:00+08:00", data: #"{"kind":"visit"}"#),
            events.event("member.updated", "m-1", at: "2026-01-06T12:00:00+08:00", data: #"{"tier":"gold"}"#),
            events.event("points.earned", "m-1", at: "2026-01-06T12:00:00+08:00", data: #"{"amount":50}"#),
            events.event("store.visited", "m-1", at: "2026-01-06T12:00:00+08:00"),
            events.enrolled("m-1", at: "2026-01-06T12:00:00+08:00"),
        ]
        var fired = 0
        for line in lines {
            let event = try EventDecoder().decode(key: nil, value: Array(line.utf8)).get()
            var after = MemberState(id: "m-1", horizon: event.time)
            after.apply(event, effectiveTime: event.time, programme: Programme())
            for trigger in triggers {
                let occurrence = trigger.eventOccurrence(
                    event: event, firedAt: event.time, before: nil, after: after, zone: .utc, tiers: ["silver", "gold"])
                #expect((occurrence != nil) == (trigger.firingEventType == event.type), "\(trigger) for \(event.type)")
                if occurrence != nil { fired += 1 }
            }
        }
        #expect(fired == triggers.count)
        #expect(plan("p", #"{"type":"birthday"}"#).trigger.firingEventType == nil)
    }

    @Test mutating func firstPurchaseFiresOnceAtTheOrdersTime() {
        var harness = SimulationHarness(plans: [plan("thanks", #"{"type":"firstPurchase"}"#)])
        harness.send(
            events.enrolled("m-1", at: "2026-01-05T10:00:00+08:00"),
            order("m-1", "2026-01-06T12:00:00+08:00", "50"),
            order("m-1", "2026-01-07T12:00:00+08:00", "60"))
        #expect(harness.couponJobs.map { $0.string("trigger.occurrence")! } == ["once"])
        #expect(harness.couponJobs.first?.string("trigger.firedAt") == "2026-01-06T04:00:00Z")
    }

    @Test mutating func tierChangedFollowsTheProgrammesTierOrder() {
        var harness = SimulationHarness(plans: [
            plan("up", #"{"type":"tierChanged","direction":"up"}"#),
            plan("down", #"{"type":"tierChanged","direction":"down"}"#),
            plan("to-diamond", #"{"type":"tierChanged","to":"diamond"}"#),
        ])
        harness.send(
            events.enrolled("m-1", at: "2026-01-05T10:00:00+08:00", tier: "silver"),
            events.event("tier.changed", "m-1", at: "2026-02-01T10:00:00+08:00", id: "tc-1", data: #"{"from":"silver","to":"gold"}"#),
            events.event("tier.changed", "m-1", at: "2026-03-01T10:00:00+08:00", id: "tc-2", data: #"{"to":"normal"}"#),
            events.event("tier.changed", "m-1", at: "2026-04-01T10:00:00+08:00", id: "tc-3", data: #"{"from":"normal","to":"diamond"}"#))
        let fired = harness.couponJobs.map { "\($0.string("plan.id")!):\($0.string("trigger.occurrence")!)" }
        // Plans are evaluated in id order when one event triggers several.
        #expect(fired == ["up:tc-1", "down:tc-2", "to-diamond:tc-3", "up:tc-3"])
    }

    @Test mutating func spendThresholdCountsMemberLocalMonthsOnce() {
        var harness = SimulationHarness(plans: [plan("big-month", #"{"type":"spendThreshold","amount":1000,"period":"calendarMonth"}"#)])
        harness.send(
            events.enrolled("m-1", at: "2026-03-01T10:00:00+08:00"),
            order("m-1", "2026-03-10T12:00:00+08:00", "600.00"),
            // 01:00 on April 1 in Shanghai is still March 31 in UTC: it counts towards April.
            order("m-1", "2026-04-01T01:00:00+08:00", "500.00"),
            order("m-1", "2026-04-10T12:00:00+08:00", "499.99"),
            order("m-1", "2026-04-11T12:00:00+08:00", "0.01"),
            events.event("order.refunded", "m-1", at: "2026-04-12T12:00:00+08:00", data: #"{"orderId":"x","amount":"100"}"#),
            order("m-1", "2026-04-13T12:00:00+08:00", "200"))
        // Reached in April at the 0.01 order; dropping below with the refund and crossing again does not re-fire.
        #expect(harness.couponJobs.map { $0.string("trigger.occurrence")! } == ["2026-04"])
        #expect(harness.couponJobs.first?.string("trigger.firedAt") == "2026-04-11T04:00:00Z")
    }

    @Test mutating func spendThresholdYearAndLifetime() {
        var harness = SimulationHarness(plans: [
            plan("year", #"{"type":"spendThreshold","amount":"1000","period":"calendarYear"}"#),
            plan("life", #"{"type":"spendThreshold","amount":"1500","period":"lifetime"}"#),
        ])
        harness.send(
            order("m-1", "2026-06-01T12:00:00+08:00", "800"),
            order("m-1", "2026-12-01T12:00:00+08:00", "300"),
            order("m-1", "2027-01-02T12:00:00+08:00", "900"),
            order("m-1", "2027-02-02T12:00:00+08:00", "900"))
        let fired = Set(harness.couponJobs.map { "\($0.string("plan.id")!):\($0.string("trigger.occurrence")!)" })
        #expect(fired == ["year:2026", "life:lifetime", "year:2027"])
    }

    @Test mutating func eventTriggerMatchesItsWhereAndRecordsNothingOtherwise() {
        let highValue = plan("high-value", #"{"type":"event","eventType":"order.completed","where":{"all":[{"field":"event.amount","gte":500},{"field":"event.channel","eq":"online"}]}}"#)
        var harness = SimulationHarness(plans: [highValue])
        harness.send(
            events.event("order.completed", "m-1", at: "2026-01-06T12:00:00+08:00", id: "o-800", data: #"{"orderId":"o","amount":"800.00","channel":"online"}"#),
            events.event("order.completed", "m-1", at: "2026-01-07T12:00:00+08:00", id: "o-499", data: #"{"orderId":"o","amount":"499.99","channel":"online"}"#),
            events.event("order.completed", "m-1", at: "2026-01-08T12:00:00+08:00", id: "o-off", data: #"{"orderId":"o","amount":"900","channel":"offline"}"#),
            events.event("order.completed", "m-1", at: "2026-01-09T12:00:00+08:00", id: "o-900", data: #"{"orderId":"o","amount":"900","channel":"online"}"#))
        #expect(harness.couponJobs.map { $0.string("trigger.occurrence")! } == ["o-800", "o-900"])
        #expect(harness.decisions.count == 2)
    }

    @Test mutating func eventTriggersAreLateAfterDowntimeLikeAnyOther() throws {
        var store = PartitionStore()
        var out: [OutputRecord] = []
        let engine = Engine(programme: Programme(maxLateness: ISODuration("PT6H")), plans: [plan("thanks", #"{"type":"firstPurchase"}"#)])
        let old = try EventDecoder().decode(key: nil, value: Array(order("m-1", "2026-01-06T12:00:00+08:00", "50").utf8)).get()
        store.apply(old, now: Instant.at("2026-01-07T12:00:00+08:00"), engine: engine, into: &out)
        #expect(out.filter { $0.role == .couponJobs }.isEmpty)
        #expect(try JSONParser.parse(out[0].value!).objectValue?.string("reason") == "late")
    }
}
