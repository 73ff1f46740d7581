import Kafka
import Synchronization

/// Opens the exactly_once transaction at the first record sent into it, from whichever lane sends first.
///
/// A transaction is begun only when something goes into it, as a single-threaded loop would: an idle step or one
/// whose records caused nothing never opens one. With at_least_once it does nothing.
final class TransactionGate: Sendable {
    private let producer: KafkaProducer
    private let transactional: Bool
    private let open: Mutex<Bool>

    /// `isOpen`: whether the loop already has a transaction open.
    init(producer: KafkaProducer, transactional: Bool, isOpen: Bool) {
        self.producer = producer
        self.transactional = transactional
        self.open = Mutex(isOpen)
    }

    /// Whether a transaction is open now.
    var isOpen: Bool { open.withLock { $0 } }

    /// Sends `record`, beginning the transaction first if none is open.
    func send(_ record: ProducerRecord) throws(KafkaError) {
        if transactional {
            try open.withLock { (open: inout Bool) throws(KafkaError) in
                guard !open else { return }
                try producer.beginTransaction()
                open = true
            }
        }
        try producer.send(record)
    }
}
