/// A point on the UTC timeline with whole-second precision: what the store holds and the evaluator compares.
public struct Instant: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// Seconds since 1970-01-01T00:00:00Z.
    public var seconds: Int64

    public init(seconds: Int64) { self.seconds = seconds }

    /// Far enough ahead to mean "never" without overflowing arithmetic.
    public static let distantFuture = Instant(seconds: 253_402_300_799)  // 9999-12-31T23:59:59Z

    public static func < (lhs: Instant, rhs: Instant) -> Bool { lhs.seconds < rhs.seconds }

    public func adding(seconds delta: Int64) -> Instant { Instant(seconds: seconds + delta) }

    /// The UTC civil date and second of day.
    public var utcDate: LocalDate { LocalDate(dayNumber: Int(seconds.floorDiv(86_400))) }

    /// RFC 3339 in UTC with `Z` and whole seconds, e.g. `2026-10-05T23:59:00Z`.
    public var rfc3339: String {
        let day = seconds.floorDiv(86_400)
        let sod = Int(seconds - day * 86_400)
        let date = LocalDate(dayNumber: Int(day))
        let (y, m, d) = date.components
        guard y >= 0 && y < 10_000 else {
            return date.iso8601 + "T" + TimeOfDay(minuteOfDay: sod / 60).hhmm + ":" + pad2(sod % 60) + "Z"
        }
        // Written byte by byte: every ledger row, queued delivery and journal entry holds several.
        return String(unsafeUninitializedCapacity: 20) { out in
            func put(_ i: Int, _ v: Int) {
                out[i] = UInt8(48 + v / 10)
                out[i + 1] = UInt8(48 + v % 10)
            }
            put(0, y / 100)
            put(2, y % 100)
            out[4] = 45  // -
            put(5, m)
            out[7] = 45
            put(8, d)
            out[10] = 84  // T
            put(11, sod / 3600)
            out[13] = 58  // :
            put(14, sod / 60 % 60)
            out[16] = 58
            put(17, sod % 60)
            out[19] = 90  // Z
            return 20
        }
    }

    public var description: String { rfc3339 }
}

extension Int64 {
    @inlinable func floorDiv(_ d: Int64) -> Int64 {
        let q = self / d
        return (self % d != 0 && (self < 0) != (d < 0)) ? q - 1 : q
    }
}

extension Int {
    @inlinable func floorMod(_ d: Int) -> Int {
        let r = self % d
        return r < 0 ? r + d : r
    }
}

@inline(__always) func pad2(_ v: Int) -> String { v < 10 ? "0\(v)" : "\(v)" }
