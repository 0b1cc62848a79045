/// `digest: { at: "08:00", calendar: firm, via: email }`: each person's daily digest, once per business
/// day of the calendar, at `at` local time.
public struct DigestSettings: Sendable {
    public var at: TimeOfDay
    public var calendar: BusinessCalendar
    /// The email channel the digests go through.
    public var via: String

    public init(at: TimeOfDay, calendar: BusinessCalendar, via: String) {
        self.at = at
        self.calendar = calendar
        self.via = via
    }
}

/// When digests are due. A day's digest is due from `at` on that business day until the day ends
/// (local time): a daemon started late in the day still sends it; one that was down all day does not
/// send yesterday's the next morning (a stale backlog is not news), and never sends one on a weekend or
/// a holiday.
public enum DigestSchedule {
    /// The business day whose digest is due at `now`, if any.
    public static func dueDay(_ s: DigestSettings, now: Instant) -> LocalDate? {
        let zone = s.calendar.zone
        let day = zone.localDate(now)
        guard s.calendar.isBusinessDay(day), now >= time(of: day, s) else { return nil }
        return day
    }

    /// The instant `day`'s digest is due: `at` on that date (a time in a spring-forward gap moves forward).
    public static func time(of day: LocalDate, _ s: DigestSettings) -> Instant {
        s.calendar.zone.instant(date: day, secondOfDay: s.at.minuteOfDay * 60)
    }

    /// The first digest time after `now` (for the poll loop's wake-up): on the next business day, or
    /// later today when `at` has not come yet.
    public static func next(after now: Instant, _ s: DigestSettings) -> Instant {
        var day = s.calendar.zone.localDate(now)
        for _ in 0..<3660 {
            if s.calendar.isBusinessDay(day) {
                let t = time(of: day, s)
                if t > now { return t }
            }
            day = LocalDate(dayNumber: day.dayNumber + 1)
        }
        return .distantFuture
    }

    /// The id of `person`'s digest of `day`: its idempotency key (Message-ID) and its claim in the store.
    public static func id(person: String, day: LocalDate) -> String {
        String(SHA256.hex("tickler-digest-v1\n\(person)\n\(day.iso8601)").prefix(32))
    }
}
