/// A list whose first two elements are stored in the value itself, the rest in an array allocated for a third.
///
/// For the short per-member lists (most members have at most two occurrence log entries) this saves the array's
/// allocation: its 32-byte header and malloc's rounding. The representation is canonical (an element is in `second`
/// only when `first` holds one, and in `spill` only when both do), so synthesized equality is the list's equality.
struct InlineList<Element>: ExpressibleByArrayLiteral {
    private var first: Element?
    private var second: Element?
    /// Elements 2 and up.
    private var spill: [Element] = []

    init() {}

    init(_ elements: some Sequence<Element>) {
        for element in elements { append(element) }
    }

    init(arrayLiteral elements: Element...) { self.init(elements) }

    var count: Int { first == nil ? 0 : second == nil ? 1 : 2 + spill.count }

    var isEmpty: Bool { first == nil }

    subscript(index: Int) -> Element {
        switch index {
        case 0: first!
        case 1: second!
        default: spill[index - 2]
        }
    }

    mutating func append(_ element: Element) {
        if first == nil {
            first = element
        } else if second == nil {
            second = element
        } else {
            spill.append(element)
        }
    }

    /// Whether an element satisfies `predicate`; looks at the inline elements directly, without an iterator (the
    /// occurrence log asks this for every candidate occurrence).
    func contains(where predicate: (borrowing Element) throws -> Bool) rethrows -> Bool {
        switch first {
        case .none: return false
        case .some(let element): if try predicate(element) { return true }
        }
        switch second {
        case .none: return false
        case .some(let element): if try predicate(element) { return true }
        }
        for index in spill.indices where try predicate(spill[index]) { return true }
        return false
    }

    /// Removes the elements `shouldRemove` selects, keeping the others in order.
    mutating func removeAll(where shouldRemove: (Element) throws -> Bool) rethrows {
        guard try contains(where: shouldRemove) else { return }
        self = InlineList(try filter { try !shouldRemove($0) })
    }
}

extension InlineList: Sequence {
    /// Walks the elements in order without copying them into an array.
    struct Iterator: IteratorProtocol {
        let list: InlineList
        var index = 0

        mutating func next() -> Element? {
            guard index < list.count else { return nil }
            defer { index += 1 }
            return list[index]
        }
    }

    func makeIterator() -> Iterator { Iterator(list: self) }

    var underestimatedCount: Int { count }
}

extension InlineList: Equatable where Element: Equatable {}
extension InlineList: Hashable where Element: Hashable {}
extension InlineList: Sendable where Element: Sendable {}
