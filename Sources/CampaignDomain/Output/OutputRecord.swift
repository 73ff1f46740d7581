/// Which output topic a record goes to; the runtime maps roles to configured topic names.
public enum OutputRole: String, Sendable, Hashable, CaseIterable {
    case couponJobs, notificationJobs, decisions, deadLetters
}

/// A record ready to produce: key, value and headers already encoded.
///
/// The key, the value and every header value sit one after another in one array; the encoder's jobs and decisions
/// share their header names with every record of their kind, so each is one allocation, where an array for each part
/// cost four or five (a fifth of a simulated year of timers went to malloc and free). `withParts` lends the bytes
/// without copying them.
public struct OutputRecord: Sendable, Hashable {
    public var role: OutputRole
    /// The plan that caused it, for metrics and summaries.
    public var planID: String?
    /// For jobs and decisions, what metrics count, so nothing parses the encoded value again.
    public var facts: Facts?
    /// The key's bytes, then the value's, then each header value's.
    private let storage: [UInt8]
    /// The key's and the value's byte counts in `storage`; -1 for none (a null key, a tombstone).
    private let keyCount: Int32
    private let valueCount: Int32
    /// The header names, in order.
    private let headerNames: [String]
    /// Where each header's value ends in `storage`, counted from the end of the value.
    private let headerEnds: SIMD8<UInt32>

    /// The most headers a record has (a dead letter's six, with room to spare).
    public static let maximumHeaderCount = 8

    /// A record from its parts, copied into one array.
    ///
    /// - Precondition: at most `maximumHeaderCount` headers.
    public init(role: OutputRole, key: [UInt8]?, value: [UInt8]?, headers: [Header], planID: String? = nil, facts: Facts? = nil) {
        let byteCount = (key?.count ?? 0) + (value?.count ?? 0) + headers.reduce(0) { $0 + $1.value.count }
        self.init(role: role, headerNames: headers.map(\.key), byteCount: byteCount, planID: planID, facts: facts) { parts in
            key.map { $0.withUnsafeBytes { parts.key($0) } }
            value.map { $0.withUnsafeBytes { parts.value($0) } }
            for header in headers { header.value.withUnsafeBytes { parts.header($0) } }
        }
    }

    /// A record whose parts `write` copies in, in order: the key (or none), the value (or none), then one value for
    /// each of `headerNames`, `byteCount` bytes in all.
    ///
    /// The encoder's way in: parts written on the stack go straight into the record's one array.
    init(
        role: OutputRole, headerNames: [String], byteCount: Int, planID: String?, facts: Facts?,
        write: (inout PartsWriter) -> Void
    ) {
        precondition(headerNames.count <= Self.maximumHeaderCount, "an output record has at most \(Self.maximumHeaderCount) headers")
        var writer = PartsWriter()
        // Written on the stack (the heap past a few KiB), then copied into the array: the standard library's
        // specialized copy, where `init(unsafeUninitializedCapacity:)` and `init(repeating:count:)` reached its generic
        // allocation, which cost more than the extra copy.
        storage = withUnsafeTemporaryAllocation(of: UInt8.self, capacity: byteCount) { buffer in
            writer.buffer = buffer
            write(&writer)
            return Array(UnsafeBufferPointer(rebasing: buffer[..<writer.count]))
        }
        precondition(writer.headerCount == headerNames.count, "a value for each header name")
        self.role = role
        self.planID = planID
        self.facts = facts
        keyCount = writer.keyCount
        valueCount = writer.valueCount
        self.headerNames = headerNames
        headerEnds = writer.headerEnds
    }

    /// Copies a record's parts into its array, in order (see `init(role:headerNames:byteCount:planID:facts:write:)`).
    struct PartsWriter {
        fileprivate var buffer = UnsafeMutableBufferPointer<UInt8>(start: nil, count: 0)
        fileprivate var count = 0
        fileprivate var keyCount: Int32 = -1
        fileprivate var valueCount: Int32 = -1
        fileprivate var headerCount = 0
        fileprivate var headerEnds = SIMD8<UInt32>()

        mutating func key(_ bytes: UnsafeRawBufferPointer) {
            precondition(keyCount < 0 && valueCount < 0 && headerCount == 0, "the key comes first, once")
            keyCount = Int32(copy(bytes))
        }

        mutating func value(_ bytes: UnsafeRawBufferPointer) {
            precondition(valueCount < 0 && headerCount == 0, "the value comes before the headers, once")
            valueCount = Int32(copy(bytes))
        }

        mutating func header(_ bytes: UnsafeRawBufferPointer) {
            _ = copy(bytes)
            headerEnds[headerCount] = UInt32(count - max(0, Int(keyCount)) - max(0, Int(valueCount)))
            headerCount += 1
        }

        /// Copies `bytes` after what was written; returns their count.
        private mutating func copy(_ bytes: UnsafeRawBufferPointer) -> Int {
            precondition(count + bytes.count <= buffer.count, "the record's parts outgrow the byte count given")
            if let source = bytes.baseAddress, !bytes.isEmpty {
                UnsafeMutableRawPointer(buffer.baseAddress! + count).copyMemory(from: source, byteCount: bytes.count)
            }
            count += bytes.count
            return bytes.count
        }
    }

    /// The record's bytes, lent for the call of `body` (they must not escape it).
    public struct Parts {
        public let key: UnsafeRawBufferPointer?
        public let value: UnsafeRawBufferPointer?
        public let headerNames: [String]
        private let headerBytes: UnsafeRawBufferPointer
        private let headerEnds: SIMD8<UInt32>

        fileprivate init(
            key: UnsafeRawBufferPointer?, value: UnsafeRawBufferPointer?, headerNames: [String],
            headerBytes: UnsafeRawBufferPointer, headerEnds: SIMD8<UInt32>
        ) {
            self.key = key
            self.value = value
            self.headerNames = headerNames
            self.headerBytes = headerBytes
            self.headerEnds = headerEnds
        }

        /// The value of header `index` (the name is `headerNames[index]`).
        public func headerValue(_ index: Int) -> UnsafeRawBufferPointer {
            precondition(headerNames.indices.contains(index), "header \(index) of \(headerNames.count)")
            let start = index == 0 ? 0 : Int(headerEnds[index - 1])
            return UnsafeRawBufferPointer(rebasing: headerBytes[start..<Int(headerEnds[index])])
        }
    }

    /// Runs `body` with the record's bytes in place.
    public func withParts<Result>(_ body: (Parts) -> Result) -> Result {
        storage.withUnsafeBytes { bytes in
            let keyEnd = max(0, Int(keyCount))
            let valueEnd = keyEnd + max(0, Int(valueCount))
            let parts = Parts(
                key: keyCount < 0 ? nil : UnsafeRawBufferPointer(rebasing: bytes[0..<keyEnd]),
                value: valueCount < 0 ? nil : UnsafeRawBufferPointer(rebasing: bytes[keyEnd..<valueEnd]),
                headerNames: headerNames,
                headerBytes: UnsafeRawBufferPointer(rebasing: bytes[valueEnd...]),
                headerEnds: headerEnds)
            return body(parts)
        }
    }

    /// The key's bytes, nil for none (a copy: `withParts` lends them instead).
    public var key: [UInt8]? { withParts { $0.key.map { Array($0) } } }

    /// The value's bytes, nil for a tombstone (a copy: `withParts` lends them instead).
    public var value: [UInt8]? { withParts { $0.value.map { Array($0) } } }

    /// The headers, in order (copies: `withParts` lends them instead).
    public var headers: [Header] {
        withParts { parts in parts.headerNames.indices.map { Header(parts.headerNames[$0], bytes: Array(parts.headerValue($0))) } }
    }

    /// The value of the first header named `key`, as text.
    public func header(_ key: String) -> String? {
        withParts { parts in
            parts.headerNames.firstIndex(of: key).map { String(decoding: parts.headerValue($0), as: UTF8.self) }
        }
    }

    /// The parts of a job or decision that metrics count, as written in its value.
    public struct Facts: Sendable, Hashable {
        /// `trigger.type`, `trigger.firedAt` and `createdAt`.
        public var triggerType: String
        public var firedAt: Instant
        public var createdAt: Instant
        /// A notification job's channel.
        public var channel: String?
        /// A decision's `outcome` and `reason`, and the reasons in its `suppressedActions`.
        public var outcome: String?
        public var reason: String?
        public var actionReasons: [String]

        public init(
            triggerType: String, firedAt: Instant, createdAt: Instant, channel: String? = nil, outcome: String? = nil,
            reason: String? = nil, actionReasons: [String] = []
        ) {
            self.triggerType = triggerType
            self.firedAt = firedAt
            self.createdAt = createdAt
            self.channel = channel
            self.outcome = outcome
            self.reason = reason
            self.actionReasons = actionReasons
        }
    }

    /// One header: a name and its value's bytes.
    public struct Header: Sendable, Hashable {
        public var key: String
        public var value: [UInt8]

        public init(_ key: String, _ value: String) {
            self.key = key
            self.value = Array(value.utf8)
        }

        public init(_ key: String, bytes: [UInt8]) {
            self.key = key
            self.value = bytes
        }
    }
}
