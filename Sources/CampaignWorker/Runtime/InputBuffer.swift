import Kafka

/// Polled input records not yet processed, per store (input partition number), each queue in poll order.
///
/// The consumer hands records over in runs of one partition, a few hundred long. Reading a few batches ahead and
/// taking some of every partition's queue in each step gives the processing lanes several stores to share out,
/// instead of one store that one lane works through while the others wait.
struct InputBuffer {
    private struct Queue {
        var records: [ConsumerRecord] = []
        /// Records before `head` are taken.
        var head = 0
        var count: Int { records.count - head }
    }

    private var queues: [Int32: Queue] = [:]
    /// Records waiting, over all partitions.
    private(set) var count = 0

    var isEmpty: Bool { count == 0 }

    mutating func append(_ record: ConsumerRecord) {
        queues[record.partition, default: Queue()].records.append(record)
        count += 1
    }

    /// Takes up to `limit` records from the front of every partition's queue, keyed by partition number.
    mutating func take(perPartition limit: Int) -> [Int32: [ConsumerRecord]] {
        var taken: [Int32: [ConsumerRecord]] = [:]
        for partition in Array(queues.keys) {
            guard var queue = queues.removeValue(forKey: partition) else { continue }
            let end = min(queue.records.count, queue.head + limit)
            taken[partition] = Array(queue.records[queue.head..<end])
            count -= end - queue.head
            queue.head = end
            // A drained queue goes; a long-lived one drops its taken records once they are most of it.
            guard queue.count > 0 else { continue }
            if queue.head > queue.records.count / 2 {
                queue.records.removeFirst(queue.head)
                queue.head = 0
            }
            queues[partition] = queue
        }
        return taken
    }

    /// How many partitions have records waiting.
    var partitionCount: Int { queues.count }

    /// Forgets the waiting records of `partitions` (revoked, lost, or rewound).
    mutating func remove(_ partitions: [TopicPartition]) {
        for topicPartition in partitions {
            guard var queue = queues.removeValue(forKey: topicPartition.partition) else { continue }
            let before = queue.count
            queue.records = queue.records[queue.head...].filter { $0.topic != topicPartition.topic }
            queue.head = 0
            count -= before - queue.count
            if queue.count > 0 { queues[topicPartition.partition] = queue }
        }
    }

    /// Forgets every waiting record (after a roll-back the input is read again from the committed offsets).
    mutating func removeAll() {
        queues.removeAll()
        count = 0
    }
}
