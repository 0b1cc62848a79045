import Foundation
import Synchronization

/// UTC offsets of one IANA time zone as a sorted transition table, so that converting between
/// instants and wall-clock time is a binary search instead of a call into ICU on every step.
public final class ZoneRules: Sendable, Hashable {
    public let identifier: String
    /// Instants (UTC seconds) at which the offset changes.
    private let transitions: [Int64]
    /// `offsets[i]` is in force before `transitions[i]`; the last entry after the last transition.
    private let offsets: [Int32]
    private let zone: TimeZone
    private static let tableStart: Int64 = -2_208_988_800  // 1900-01-01
    private static let tableEnd: Int64 = 7_258_118_400  // 2200-01-01

    /// Nil when the identifier is not an IANA zone known to this system.
    public init?(identifier: String) {
        guard !identifier.isEmpty, let zone = TimeZone(identifier: identifier) else { return nil }
        // Foundation accepts abbreviations ("PST") too; insist on an IANA name. Its list of known names
        // lags the database (Asia/Kolkata is missing beside Asia/Calcutta), so an Area/Location name it
        // can load is taken as well.
        guard TimeZone.knownTimeZoneIdentifiers.contains(identifier) || identifier == "UTC" || identifier == "GMT"
            || (identifier.contains("/") && !identifier.hasPrefix("/") && !identifier.hasSuffix("/"))
        else { return nil }
        self.identifier = identifier
        self.zone = zone
        var transitions: [Int64] = []
        var offsets: [Int32] = [Int32(zone.secondsFromGMT(for: Date(timeIntervalSince1970: Double(Self.tableStart))))]
        var cursor = Date(timeIntervalSince1970: Double(Self.tableStart))
        while let next = zone.nextDaylightSavingTimeTransition(after: cursor),
              next.timeIntervalSince1970 < Double(Self.tableEnd), next > cursor {
            let seconds = Int64(next.timeIntervalSince1970.rounded())
            let offset = Int32(zone.secondsFromGMT(for: next))
            if offset != offsets.last {
                transitions.append(seconds)
                offsets.append(offset)
            }
            cursor = next
        }
        self.transitions = transitions
        self.offsets = offsets
    }

    public static let utc = ZoneRules(identifier: "UTC")!

    private static let built = Mutex<[String: ZoneRules]>([:])

    /// The rules of `identifier`, built once per process (building them walks three centuries of ICU's
    /// transitions: milliseconds, which an import of many contacts paid once per contact); nil when it is
    /// not an IANA zone. At most 1,024 zones are kept.
    public static func named(_ identifier: String) -> ZoneRules? {
        if let known = built.withLock({ $0[identifier] }) { return known }
        guard let rules = ZoneRules(identifier: identifier) else { return nil }
        built.withLock { if $0.count < 1024 { $0[identifier] = rules } }
        return rules
    }

    public static func == (l: ZoneRules, r: ZoneRules) -> Bool { l.identifier == r.identifier }
    public func hash(into h: inout Hasher) { h.combine(identifier) }

    /// Seconds east of UTC in force at `instant`.
    public func offset(at instant: Instant) -> Int {
        let t = instant.seconds
        if t < Self.tableStart || t >= Self.tableEnd {
            return zone.secondsFromGMT(for: Date(timeIntervalSince1970: Double(t)))
        }
        var lo = 0, hi = transitions.count
        while lo < hi {
            let mid = (lo + hi) >> 1
            if transitions[mid] <= t { lo = mid + 1 } else { hi = mid }
        }
        return Int(offsets[lo])
    }

    /// Wall-clock seconds (as if the zone were UTC) at `instant`.
    public func localSeconds(_ instant: Instant) -> Int64 { instant.seconds + Int64(offset(at: instant)) }

    public func localDate(_ instant: Instant) -> LocalDate {
        LocalDate(dayNumber: Int(localSeconds(instant).floorDiv(86_400)))
    }

    /// Seconds since local midnight at `instant`.
    public func secondOfDay(_ instant: Instant) -> Int {
        let l = localSeconds(instant)
        return Int(l - l.floorDiv(86_400) * 86_400)
    }

    /// The instant a wall-clock time denotes. A time skipped by a spring-forward gap moves forward by
    /// the gap (02:30 → 03:30); a time repeated by a fall-back overlap takes its first occurrence.
    public func instant(localSeconds l: Int64) -> Instant {
        let before = Int64(offset(at: Instant(seconds: l - 86_400)))
        let after = Int64(offset(at: Instant(seconds: l + 86_400)))
        let first = l - max(before, after)  // the earlier UTC reading
        let second = l - min(before, after)
        if Int64(offset(at: Instant(seconds: first))) == max(before, after) { return Instant(seconds: first) }
        if Int64(offset(at: Instant(seconds: second))) == min(before, after) { return Instant(seconds: second) }
        // In a gap: read the wall time with the offset in force before the transition.
        return Instant(seconds: l - before)
    }

    public func instant(date: LocalDate, secondOfDay: Int) -> Instant {
        instant(localSeconds: Int64(date.dayNumber) * 86_400 + Int64(secondOfDay))
    }

    /// `2026-03-08T03:30:00-07:00`: how an explanation shows an instant to people in this zone.
    public func format(_ instant: Instant) -> String {
        let l = localSeconds(instant)
        let off = offset(at: instant)
        let sign = off < 0 ? "-" : "+"
        let a = abs(off)
        let day = l.floorDiv(86_400)
        let sod = Int(l - day * 86_400)
        return LocalDate(dayNumber: Int(day)).iso8601 + "T" + pad2(sod / 3600) + ":" + pad2(sod / 60 % 60) + ":"
            + pad2(sod % 60) + sign + pad2(a / 3600) + ":" + pad2(a / 60 % 60)
    }
}
