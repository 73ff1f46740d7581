/// Values by key for one step's records, which carry a handful of distinct keys.
///
/// A linear search that starts at the last key found: consecutive records mostly share their labels, and the labels
/// are mostly the same few strings (plan ids, topic names, literals), which `==` compares without reading them.
/// Hashing every label of every record in a dictionary cost more than producing the record.
struct StepTally<Key: Equatable, Value> {
    /// Every key in the order first seen, with its value.
    private(set) var entries: [(key: Key, value: Value)] = []
    private var last = 0

    /// Updates the value of `key`, starting from `initial` when the key is new.
    mutating func update(_ key: Key, default initial: @autoclosure () -> Value, _ body: (inout Value) -> Void) {
        if !(last < entries.count && entries[last].key == key) {
            if let index = entries.firstIndex(where: { $0.key == key }) {
                last = index
            } else {
                entries.append((key, initial()))
                last = entries.count - 1
            }
        }
        body(&entries[last].value)
    }
}
