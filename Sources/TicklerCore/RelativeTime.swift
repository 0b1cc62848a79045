/// `now`, `now+7d`, `now-12h`: a time relative to `now`, as an operator means it. Days are calendar days
/// in the zone (the same wall-clock time, whatever a daylight-saving change in between does to the day's
/// length); hours are elapsed hours.
public struct RelativeTime: Sendable, Equatable {
    public enum Unit: Sendable, Equatable {
        case days
        case hours
    }

    /// Signed: negative for `now-…`.
    public var amount: Int64
    public var unit: Unit

    public init(amount: Int64, unit: Unit) {
        self.amount = amount
        self.unit = unit
    }

    /// `now` (zero days), `now+Nd`, `now-Nh`…; nil for any other text.
    public init?(parsing text: String) {
        if text == "now" {
            self.init(amount: 0, unit: .hours)
            return
        }
        guard text.hasPrefix("now+") || text.hasPrefix("now-"), let last = text.last, last == "d" || last == "h",
              let n = Int64(text.dropFirst(4).dropLast()), n >= 0 else { return nil }
        self.init(amount: text.hasPrefix("now+") ? n : -n, unit: last == "d" ? .days : .hours)
    }

    /// The instant this denotes at `now`. A wall-clock time that does not exist on the target day (a
    /// spring-forward gap) moves forward by the gap; one that occurs twice takes its first occurrence.
    public func instant(from now: Instant, in zone: ZoneRules) -> Instant {
        switch unit {
        case .hours: now.adding(seconds: amount * 3600)
        case .days: zone.instant(localSeconds: zone.localSeconds(now) + amount * 86_400)
        }
    }
}
