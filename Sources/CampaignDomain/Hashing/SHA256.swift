/// SHA-256 (FIPS 180-4), used to derive deterministic job ids.
///
/// The toolchain has no portable crypto module on Linux, and a job id must be stable across replicas, restarts and
/// releases, so the hash is spelled out here. Every job costs one, so the rounds are unrolled and whole blocks are
/// read straight from the message.
public struct SHA256: Sendable {
    /// The eight working words (`a` to `h` in the standard).
    public typealias Words = (UInt32, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32)

    /// The 32-byte digest of `message`.
    public static func hash(_ message: [UInt8]) -> [UInt8] {
        message.withUnsafeBytes { bytes in
            let h = state(of: bytes)
            var digest: [UInt8] = []
            digest.reserveCapacity(32)
            for word in [h.0, h.1, h.2, h.3, h.4, h.5, h.6, h.7] {
                digest.append(UInt8(truncatingIfNeeded: word >> 24))
                digest.append(UInt8(truncatingIfNeeded: word >> 16))
                digest.append(UInt8(truncatingIfNeeded: word >> 8))
                digest.append(UInt8(truncatingIfNeeded: word))
            }
            return digest
        }
    }

    /// The digest of `message` as its eight big-endian words, computed without allocating.
    ///
    /// Job ids hash a short message for every job, so this path works in stack buffers only.
    public static func state(of message: UnsafeRawBufferPointer) -> Words {
        var h: Words = (0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19)
        let count = message.count
        let whole = count / 64 * 64
        if let base = message.baseAddress {
            for offset in stride(from: 0, to: whole, by: 64) { compress(&h, UnsafeRawPointer(base + offset)) }
        }
        // The tail, the 0x80 marker and the bit length fill one block, or two when fewer than 9 bytes are left.
        var tail: (Words, Words, Words, Words) = ((0, 0, 0, 0, 0, 0, 0, 0), (0, 0, 0, 0, 0, 0, 0, 0), (0, 0, 0, 0, 0, 0, 0, 0), (0, 0, 0, 0, 0, 0, 0, 0))
        withUnsafeMutableBytes(of: &tail) { tail in
            let rest = count - whole
            if rest > 0, let base = message.baseAddress { tail.baseAddress!.copyMemory(from: base + whole, byteCount: rest) }
            tail[rest] = 0x80
            let blocks = rest < 56 ? 1 : 2
            tail.storeBytes(of: (UInt64(count) &* 8).bigEndian, toByteOffset: blocks * 64 - 8, as: UInt64.self)
            compress(&h, UnsafeRawPointer(tail.baseAddress!))
            if blocks == 2 { compress(&h, UnsafeRawPointer(tail.baseAddress! + 64)) }
        }
        return h
    }

    /// One 64-byte block into `h`: the 64 rounds unrolled, with the message schedule kept in 16 rolling words.
    @inline(__always)
    private static func compress(_ h: inout Words, _ block: UnsafeRawPointer) {
        @inline(__always) func word(_ index: Int) -> UInt32 {
            UInt32(bigEndian: block.loadUnaligned(fromByteOffset: index * 4, as: UInt32.self))
        }
        var w0 = word(0), w1 = word(1), w2 = word(2), w3 = word(3), w4 = word(4), w5 = word(5), w6 = word(6), w7 = word(7)
        var w8 = word(8), w9 = word(9), w10 = word(10), w11 = word(11), w12 = word(12), w13 = word(13), w14 = word(14)
        var w15 = word(15)
        var (a, b, c, d, e, f, g, hh) = h

        // Sixteen rounds; the letters rotate through the argument positions instead of being moved.
        @inline(__always) func sixteen(_ k: (UInt32, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32)) {
            round(a, b, c, &d, e, f, g, &hh, k.0 &+ w0)
            round(hh, a, b, &c, d, e, f, &g, k.1 &+ w1)
            round(g, hh, a, &b, c, d, e, &f, k.2 &+ w2)
            round(f, g, hh, &a, b, c, d, &e, k.3 &+ w3)
            round(e, f, g, &hh, a, b, c, &d, k.4 &+ w4)
            round(d, e, f, &g, hh, a, b, &c, k.5 &+ w5)
            round(c, d, e, &f, g, hh, a, &b, k.6 &+ w6)
            round(b, c, d, &e, f, g, hh, &a, k.7 &+ w7)
            round(a, b, c, &d, e, f, g, &hh, k.8 &+ w8)
            round(hh, a, b, &c, d, e, f, &g, k.9 &+ w9)
            round(g, hh, a, &b, c, d, e, &f, k.10 &+ w10)
            round(f, g, hh, &a, b, c, d, &e, k.11 &+ w11)
            round(e, f, g, &hh, a, b, c, &d, k.12 &+ w12)
            round(d, e, f, &g, hh, a, b, &c, k.13 &+ w13)
            round(c, d, e, &f, g, hh, a, &b, k.14 &+ w14)
            round(b, c, d, &e, f, g, hh, &a, k.15 &+ w15)
        }
        // The next sixteen schedule words, each from the four it depends on 16, 15, 7 and 2 places back.
        @inline(__always) func schedule() {
            w0 = next(w0, w1, w9, w14); w1 = next(w1, w2, w10, w15); w2 = next(w2, w3, w11, w0); w3 = next(w3, w4, w12, w1)
            w4 = next(w4, w5, w13, w2); w5 = next(w5, w6, w14, w3); w6 = next(w6, w7, w15, w4); w7 = next(w7, w8, w0, w5)
            w8 = next(w8, w9, w1, w6); w9 = next(w9, w10, w2, w7); w10 = next(w10, w11, w3, w8); w11 = next(w11, w12, w4, w9)
            w12 = next(w12, w13, w5, w10); w13 = next(w13, w14, w6, w11); w14 = next(w14, w15, w7, w12)
            w15 = next(w15, w0, w8, w13)
        }
        sixteen((0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
                 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174))
        schedule()
        sixteen((0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
                 0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967))
        schedule()
        sixteen((0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
                 0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070))
        schedule()
        sixteen((0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
                 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2))
        h = (h.0 &+ a, h.1 &+ b, h.2 &+ c, h.3 &+ d, h.4 &+ e, h.5 &+ f, h.6 &+ g, h.7 &+ hh)
    }

    /// One round: `d` gains T1 and `h` becomes T1 + T2 (the caller's next round names them `e` and `a`).
    @inline(__always)
    private static func round(_ a: UInt32, _ b: UInt32, _ c: UInt32, _ d: inout UInt32, _ e: UInt32, _ f: UInt32, _ g: UInt32, _ h: inout UInt32, _ kw: UInt32) {
        let t1 = h &+ (rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25)) &+ (g ^ (e & (f ^ g))) &+ kw
        let t2 = (rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22)) &+ ((a & b) | (c & (a | b)))
        d = d &+ t1
        h = t1 &+ t2
    }

    /// The schedule word 16 places after `w16`, given the words 15, 7 and 2 places before the new one.
    @inline(__always)
    private static func next(_ w16: UInt32, _ w15: UInt32, _ w7: UInt32, _ w2: UInt32) -> UInt32 {
        let s0 = rotr(w15, 7) ^ rotr(w15, 18) ^ (w15 >> 3)
        let s1 = rotr(w2, 17) ^ rotr(w2, 19) ^ (w2 >> 10)
        return w16 &+ s0 &+ w7 &+ s1
    }

    @inline(__always)
    private static func rotr(_ x: UInt32, _ n: UInt32) -> UInt32 { (x >> n) | (x << (32 - n)) }
}
