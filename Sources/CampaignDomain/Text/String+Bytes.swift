extension String {
    /// The text of `bytes` when they are valid UTF-8; nil when they are not (never repaired).
    ///
    /// `String(validating:as:)` answers the same through a generic, unspecialised path that showed up in every
    /// event's and every changelog record's decoding; ASCII, the usual case, needs no second look here.
    init?(validUTF8 bytes: UnsafeBufferPointer<UInt8>) {
        var bits: UInt8 = 0
        for byte in bytes { bits |= byte }
        let text = String(decoding: bytes, as: UTF8.self)
        // Decoding repairs invalid sequences with U+FFFD, so the bytes come back unchanged exactly when valid.
        guard bits < 0x80 || text.utf8.elementsEqual(bytes) else { return nil }
        self = text
    }

    /// `==` with the UTF-8 lengths compared first.
    ///
    /// Object keys are looked up linearly and almost always differ in length; Swift's `==` on two unequal strings
    /// takes a slow comparison path, which showed up in every event's decoding.
    @inline(__always)
    func isSameText(as other: String) -> Bool {
        utf8.count == other.utf8.count && self == other
    }
}
