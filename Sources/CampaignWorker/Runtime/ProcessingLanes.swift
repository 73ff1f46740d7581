import CampaignDomain
import Foundation
import Synchronization

/// Works on several partition stores at once, one thread per lane.
///
/// Stores share nothing (a member lives in one input partition, and so in one store), so a batch's stores can be
/// split into groups that threads work on side by side. Each store is worked on by one thread only, and in input order,
/// so a member's records and outputs keep their order; only the interleaving of different partitions' outputs varies.
struct ProcessingLanes {
    /// One store lent to a lane, with its input partition number.
    struct Entry: Sendable {
        let partition: Int32
        var store: PartitionStore
    }

    /// At most this many groups, and so threads, at once.
    let count: Int

    /// Below this much weight in a batch everything runs on the calling thread: handing work over costs more.
    static let minimumParallelWeight = 64

    /// The lane threads, one per lane.
    private let threads: LaneThreads

    init(count: Int) {
        self.count = max(1, count)
        threads = LaneThreads(count: self.count)
    }

    /// Stores lent out by `start`, with the work on them under way; `finish` takes them back.
    struct Lent<Result: Sendable>: ~Copyable {
        fileprivate var lanes: [Lane<Result>]
        /// A light batch's stores and result, worked on by the calling thread inside `start`.
        fileprivate var done: (entries: [Entry], result: Result)?
    }

    /// Lends `stores` out in groups of about equal `weight` and starts `body` on each group, on the lane threads;
    /// the caller is free until `finish`.
    ///
    /// `body` sees its group's stores in partition order. A lane that meets an error stops and reports it in its
    /// result. A batch lighter than `minimumParallelWeight` is worked on by the caller at once (handing it over would
    /// cost more). `stores` is empty until `finish` puts them back.
    func start<Result: Sendable>(
        _ stores: inout [Int32: PartitionStore], weight: (Int32) -> Int,
        _ body: @escaping @Sendable (inout [Entry]) -> Result
    ) -> Lent<Result> {
        let partitions = stores.keys.sorted()
        let weights = partitions.map { max(1, weight($0)) }
        let total = weights.reduce(0, +)
        let groupCount = total < Self.minimumParallelWeight ? 1 : min(count, partitions.count)
        var groups = Array(repeating: [Entry](), count: max(1, groupCount))
        var loads = Array(repeating: 0, count: groups.count)
        // Heaviest first, each to the lightest group so far: close to even for the handful of stores a worker has.
        for index in partitions.indices.sorted(by: { (weights[$0], partitions[$1]) > (weights[$1], partitions[$0]) }) {
            let lightest = loads.indices.min { loads[$0] < loads[$1] }!
            loads[lightest] += weights[index]
            let partition = partitions[index]
            // Moved out, not copied: the store's buffers stay uniquely referenced, so mutating them copies nothing.
            groups[lightest].append(Entry(partition: partition, store: stores.removeValue(forKey: partition)!))
        }
        for index in groups.indices { groups[index].sort { $0.partition < $1.partition } }
        if total < Self.minimumParallelWeight {
            var entries = groups.removeLast()
            let result = body(&entries)
            return Lent(lanes: [], done: (entries, result))
        }
        // Moved into the lanes (a copy left in `groups` would make every store's first change copy all its members).
        var lanes: [Lane<Result>] = []
        while let group = groups.popLast() { lanes.append(Lane(entries: group)) }
        threads.start(lanes.map { lane in { lane.state.withLock { state in state.result = body(&state.entries) } } })
        return Lent(lanes: lanes, done: nil)
    }

    /// Waits for the work `start` began, puts the stores back into `stores` and returns each group's result.
    func finish<Result: Sendable>(_ lent: consuming Lent<Result>, into stores: inout [Int32: PartitionStore]) -> [Result] {
        if let (entries, result) = lent.done {
            for entry in entries { stores[entry.partition] = entry.store }
            return [result]
        }
        threads.wait(for: lent.lanes.count)
        var results: [Result] = []
        for lane in lent.lanes {
            let (entries, result) = lane.state.withLock { state in
                defer { state.entries = [] }  // moved out, as above
                return (state.entries, state.result)
            }
            for entry in entries { stores[entry.partition] = entry.store }
            results.append(result!)
        }
        return results
    }

    /// `start` and `finish` in one: the caller waits for the lanes.
    func run<Result: Sendable>(
        _ stores: inout [Int32: PartitionStore], weight: (Int32) -> Int,
        _ body: @escaping @Sendable (inout [Entry]) -> Result
    ) -> [Result] {
        let lent = start(&stores, weight: weight, body)
        return finish(lent, into: &stores)
    }

    /// One lane's stores and result, handed from the calling thread to the lane's thread and back.
    ///
    /// The lock is taken once by the lane for the whole of its work and once by `finish` after the lane has
    /// signalled that it is done, so it never waits; it is what lets the compiler check the hand-over.
    fileprivate final class Lane<Result: Sendable>: Sendable {
        struct State: Sendable {
            var entries: [Entry]
            var result: Result?
        }

        let state: Mutex<State>

        init(entries: [Entry]) { state = Mutex(State(entries: entries, result: nil)) }
    }
}

/// Threads that each run one piece of work at a time for the thread that hands it over, named `lane-N` so they show
/// in `top -H` and thread dumps.
///
/// Dedicated, named threads rather than `DispatchQueue.concurrentPerform`, so that a step can hand its lanes over and
/// go on polling (`start` returns at once; `finish` waits).
final class LaneThreads: Sendable {
    private final class Helper: Sendable {
        let work = Mutex<(@Sendable () -> Void)?>(nil)
        let start = DispatchSemaphore(value: 0)
        let done = DispatchSemaphore(value: 0)
        let quit = Atomic<Bool>(false)
    }

    private let helpers: [Helper]

    /// Starts `count` threads (none for 0), each waiting for work.
    init(count: Int) {
        helpers = (0..<max(0, count)).map { _ in Helper() }
        for (index, helper) in helpers.enumerated() {
            let thread = Thread {
                while true {
                    helper.start.wait()
                    if helper.quit.load(ordering: .acquiring) { return }
                    let work = helper.work.withLock { work in
                        defer { work = nil }
                        return work
                    }
                    work?()
                    helper.done.signal()
                }
            }
            thread.name = "lane-\(index + 1)"
            thread.start()
        }
    }

    /// Ends the threads once they finish what they are doing (`run` has always waited for that).
    deinit {
        for helper in helpers {
            helper.quit.store(true, ordering: .releasing)
            helper.start.signal()
        }
    }

    /// Starts each of `works` on a thread of its own; `wait(for:)` waits for them.
    ///
    /// - Precondition: no more works than threads, and none still running.
    func start(_ works: [@Sendable () -> Void]) {
        precondition(works.count <= helpers.count, "more lanes than lane threads")
        for (helper, work) in zip(helpers, works) {
            helper.work.withLock { $0 = work }
            helper.start.signal()
        }
    }

    /// Waits until the first `count` threads have finished the works `start` gave them.
    func wait(for count: Int) {
        for helper in helpers.prefix(count) { helper.done.wait() }
    }
}
