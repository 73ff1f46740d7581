/// An instant with its RFC 3339 form formatted once, for output that writes the same instant several times.
///
/// The records of one occurrence (its decision and its jobs) all carry its fire time and creation time, and a job's
/// `validFrom` or `sendAfter` is usually the fire time too: formatting each once per occurrence instead of once per
/// field saves several conversions per record.
struct FormattedInstant: Sendable {
    let instant: Instant
    /// The text's bytes; `count` 0 when it does not fit (years beyond four digits, formatted on each use instead).
    private var bytes: (UInt64, UInt64, UInt64) = (0, 0, 0)
    private var count = 0

    init(_ instant: Instant) {
        self.instant = instant
        instant.withRFC3339 { text in
            guard text.count <= MemoryLayout.size(ofValue: bytes) else { return }
            withUnsafeMutableBytes(of: &bytes) { $0.copyMemory(from: text) }
            count = text.count
        }
    }

    /// Calls `body` with the RFC 3339 bytes, as `Instant.withRFC3339` gives them.
    func withRFC3339<Result>(_ body: (UnsafeRawBufferPointer) -> Result) -> Result {
        guard count > 0 else { return instant.withRFC3339(body) }
        var bytes = bytes
        return withUnsafeBytes(of: &bytes) { body(UnsafeRawBufferPointer(rebasing: $0[..<count])) }
    }

    /// This instant formatted, or `other` formatted afresh when it is another instant.
    func reused(for other: Instant) -> FormattedInstant { other == instant ? self : FormattedInstant(other) }
}
