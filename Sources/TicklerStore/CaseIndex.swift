/// Case id → position, probed with the raw bytes of a child row's `case_id` column, so that attaching
/// hundreds of thousands of child rows neither makes a `String` nor runs SipHash for each.
struct CaseIndex {
    private var slots: [Int32]
    private var arena: [UInt8] = []
    private var offsets: [Int] = [0]
    private var mask: Int
    private var count: Int { offsets.count - 1 }

    init(capacity: Int) {
        var size = 16
        while size < capacity * 2 { size <<= 1 }
        slots = Array(repeating: -1, count: size)
        mask = size - 1
    }

    /// Doubles the table, keeping at most half of it full so probes stay short and always end.
    private mutating func grow() {
        mask = mask * 2 + 1
        slots = Array(repeating: -1, count: mask + 1)
        arena.withUnsafeBufferPointer { all in
            for slot in 0..<count {
                var i = Self.hash(UnsafeBufferPointer(rebasing: all[offsets[slot]..<offsets[slot + 1]])) & mask
                while slots[i] >= 0 { i = (i + 1) & mask }
                slots[i] = Int32(slot)
            }
        }
    }

    private static func hash(_ bytes: UnsafeBufferPointer<UInt8>) -> Int {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325  // FNV-1a
        for b in bytes { h = (h ^ UInt64(b)) &* 0x100_0000_01b3 }
        return Int(truncatingIfNeeded: h ^ (h >> 29))
    }

    /// Adds the id of the case at `position` (positions are added in order 0, 1, 2…).
    mutating func insert(_ id: String) {
        if (count + 1) * 2 > mask + 1 { grow() }
        var id = id
        id.withUTF8 { bytes in
            var i = Self.hash(bytes) & mask
            while slots[i] >= 0 { i = (i + 1) & mask }
            slots[i] = Int32(offsets.count - 1)
            arena.append(contentsOf: bytes)
            offsets.append(arena.count)
        }
    }

    func position(of bytes: UnsafeBufferPointer<UInt8>) -> Int? {
        var i = Self.hash(bytes) & mask
        while true {
            let slot = slots[i]
            if slot < 0 { return nil }
            let start = offsets[Int(slot)], end = offsets[Int(slot) + 1]
            if end - start == bytes.count && arena.withUnsafeBufferPointer({ memcmpEqual($0.baseAddress! + start, bytes) }) {
                return Int(slot)
            }
            i = (i + 1) & mask
        }
    }
}

@inline(__always) private func memcmpEqual(_ a: UnsafePointer<UInt8>, _ b: UnsafeBufferPointer<UInt8>) -> Bool {
    for k in 0..<b.count where a[k] != b[k] { return false }
    return true
}
