import Kafka
import Synchronization

/// Opens the exactly_once transaction at the first record sent into it, from whichever lane sends first; holds the
/// records back while the previous transaction is being committed.
///
/// A transaction is begun only when something goes into it, as a single-threaded loop would: an idle step or one
/// whose records caused nothing never opens one. With at_least_once it does nothing.
final class TransactionGate: Sendable {
    private struct State {
        var open: Bool
        var holding: Bool
        var held: [ProducerRecord] = []
    }

    private let producer: KafkaProducer
    private let transactional: Bool
    private let state: Mutex<State>

    /// `isOpen`: whether the loop already has a transaction open; `holding`: whether a commit is running, so records
    /// wait for the next transaction (librdkafka takes none into a transaction being committed).
    init(producer: KafkaProducer, transactional: Bool, isOpen: Bool, holding: Bool = false) {
        self.producer = producer
        self.transactional = transactional
        self.state = Mutex(State(open: isOpen, holding: holding && transactional))
    }

    /// Whether a transaction is open now.
    var isOpen: Bool { state.withLock { $0.open } }

    /// The records held back, in the order each lane sent them; the gate keeps none.
    func takeHeld() -> [ProducerRecord] {
        state.withLock { state in
            defer { state.held = [] }
            return state.held
        }
    }

    /// Sends `record`, beginning the transaction first if none is open, or holds it while a commit runs.
    func send(_ record: ProducerRecord) throws(KafkaError) {
        guard try admit({ record }) else { return }
        try producer.send(record)
    }

    /// Sends a record whose bytes the caller lends for the call, as `send(_:)` does; a record held while a commit runs
    /// is copied.
    func send(
        topic: String, key: UnsafeRawBufferPointer?, value: UnsafeRawBufferPointer?, headerNames: [String],
        headerValues: UnsafeBufferPointer<UnsafeRawBufferPointer?>
    ) throws(KafkaError) {
        let admitted = try admit {
            ProducerRecord(
                topic: topic, key: key.map { Array($0) }, value: value.map { Array($0) },
                headers: zip(headerNames, headerValues).map { KafkaHeader(key: $0, value: $1.map { Array($0) }) })
        }
        guard admitted else { return }
        try producer.send(topic: topic, key: key, value: value, headerNames: headerNames, headerValues: headerValues)
    }

    /// Whether a record may be sent now: begins the transaction if none is open, or holds the record `held` makes
    /// while a commit runs (and says no). With at_least_once, always yes.
    private func admit(_ held: () -> ProducerRecord) throws(KafkaError) -> Bool {
        guard transactional else { return true }
        return try state.withLock { (state: inout State) throws(KafkaError) -> Bool in
            if state.holding {
                state.held.append(held())
                return false
            }
            guard !state.open else { return true }
            try producer.beginTransaction()
            state.open = true
            return true
        }
    }
}
