import Foundation
import Kafka
import Synchronization

/// Commits one exactly_once transaction on a thread of its own, so the loop goes on applying records meanwhile.
///
/// The loop hands the transaction over once every record and the input offsets are in it, and sends nothing into
/// the producer until `result` (or `wait()`) has an outcome: the records it makes meanwhile wait in the transaction
/// gate for the next transaction.
final class TransactionCommitter: Sendable {
    enum Outcome: Sendable {
        case committed
        case failed(KafkaError)
    }

    private let outcome = Mutex<Outcome?>(nil)
    private let finished = DispatchSemaphore(value: 0)

    /// Starts `commit` on a new thread.
    init(_ commit: @escaping @Sendable () throws(KafkaError) -> Void) {
        // The thread holds the committer until the commit returns.
        let thread = Thread { [self] in
            do throws(KafkaError) {
                try commit()
                outcome.withLock { $0 = .committed }
            } catch {
                outcome.withLock { $0 = .failed(error) }
            }
            finished.signal()
        }
        thread.name = "transaction-commit"
        thread.start()
    }

    /// The outcome, once the commit has returned.
    var result: Outcome? { outcome.withLock { $0 } }

    /// Waits until the commit has returned.
    func wait() -> Outcome {
        finished.wait()
        finished.signal()  // a later wait returns at once
        return result!
    }
}
