import TicklerCore

/// JSON text written straight into a growable byte buffer: `simulate` emits hundreds of thousands of
/// lines, and building each as Swift `String`s cost more than evaluating the firm.
struct JSONBytes {
    private(set) var bytes: [UInt8]

    init(capacity: Int = 1 << 16) {
        bytes = []
        bytes.reserveCapacity(capacity)
    }

    @inline(__always) mutating func raw(_ s: StaticString) {
        bytes.append(contentsOf: UnsafeBufferPointer(start: s.utf8Start, count: s.utf8CodeUnitCount))
    }

    /// Plain text, unquoted and unescaped (table output).
    mutating func text(_ s: String) { bytes.append(contentsOf: s.utf8) }

    mutating func int(_ v: Int) {
        if v < 0 {
            bytes.append(45)
            int(-v)
            return
        }
        if v >= 10 { int(v / 10) }
        bytes.append(UInt8(48 + v % 10))
    }

    /// A quoted JSON string; escapes only what JSON requires.
    mutating func string(_ s: String) {
        bytes.append(34)
        unquoted(s)
        bytes.append(34)
    }

    private mutating func unquoted(_ s: String) {
        var s = s
        s.withUTF8 { utf8 in
            guard utf8.contains(where: { $0 < 0x20 || $0 == 34 || $0 == 92 }) else {
                bytes.append(contentsOf: utf8)
                return
            }
            for b in utf8 {
                switch b {
                case 34: raw("\\\"")
                case 92: raw("\\\\")
                case 10: raw("\\n")
                case 13: raw("\\r")
                case 9: raw("\\t")
                case 0..<0x20:
                    raw("\\u00")
                    bytes.append(Self.hex[Int(b >> 4)])
                    bytes.append(Self.hex[Int(b & 15)])
                default: bytes.append(b)
                }
            }
        }
    }

    mutating func strings(_ items: [String]) {
        bytes.append(91)
        for (i, s) in items.enumerated() {
            if i > 0 { raw(", ") }
            string(s)
        }
        bytes.append(93)
    }

    /// `"2026-10-05T23:59:00Z"`, quoted.
    mutating func instant(_ t: Instant) {
        var day = t.seconds / 86_400
        if t.seconds % 86_400 < 0 { day -= 1 }
        let sod = Int(t.seconds - day * 86_400)
        let (y, m, d) = LocalDate(dayNumber: Int(day)).components
        let stamp: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8,
                    UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) = (
            34, digit(y / 1000), digit(y / 100), digit(y / 10), digit(y), 45, digit(m / 10), digit(m), 45,
            digit(d / 10), digit(d), 84, digit(sod / 36_000), digit(sod / 3600), 58, digit(sod / 600 % 6),
            digit(sod / 60), 58, digit(sod % 60 / 10), digit(sod % 60), 90, 34)
        withUnsafeBytes(of: stamp) { bytes.append(contentsOf: $0) }
    }

    @inline(__always) private func digit(_ v: Int) -> UInt8 { UInt8(48 + v % 10) }

    private static let hex: [UInt8] = Array("0123456789abcdef".utf8)

    /// One `simulate` line, keys in the contract's order.
    mutating func simulateLine(_ f: Fire) {
        fireHead(f, at: f.deliverAt)
        raw(", \"recipients\": "); strings(f.recipients)
        raw(", \"channels\": "); strings(f.channels)
        raw("}\n")
    }

    /// `{"at": …, "due": …, "case": …, "policy": …, "stage": …, "repeat": …, "action": …, "subject": …` of a
    /// simulated fire (the object left open).
    mutating func fireHead(_ f: Fire, at: Instant) {
        raw("{\"at\": "); instant(at)
        raw(", \"due\": "); instant(f.due)
        raw(", \"case\": "); string(f.caseID)
        raw(", \"policy\": "); string(f.policy)
        raw(", \"stage\": "); int(f.key.step.stage)
        raw(", \"repeat\": "); int(f.key.step.repeatNumber)
        raw(", \"action\": "); raw(f.action == .remind ? "\"remind\"" : "\"escalate\"")
        raw(", \"subject\": \"")
        unquoted(f.subject.kind.rawValue)
        bytes.append(58)
        unquoted(f.subject.id)
        raw("\"")
    }
}
