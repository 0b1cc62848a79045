/// When a client may be messaged: a daily window in the contact's own time zone, on the listed weekdays,
/// never on the firm's holidays (default 08:00–20:00, Monday to Friday).
public struct QuietHours: Sendable {
    /// The window `[open, close)` in the contact's wall-clock time; `close` is after `open`.
    public var open: TimeOfDay
    public var close: TimeOfDay
    public var days: Set<Weekday>
    /// The firm's holidays, taken as dates in the contact's zone.
    public var holidays: HolidaySet

    public static let weekdays: Set<Weekday> = [.monday, .tuesday, .wednesday, .thursday, .friday]

    public init(open: TimeOfDay = TimeOfDay(hour: 8, minute: 0), close: TimeOfDay = TimeOfDay(hour: 20, minute: 0),
                days: Set<Weekday> = QuietHours.weekdays, holidays: HolidaySet = .none) {
        self.open = open
        self.close = close
        self.days = days
        self.holidays = holidays
    }

    /// How far ahead an allowed window is looked for; none within it means "never".
    static let searchLimitDays = 400

    /// `t` itself when a message may go then, else the start of the next allowed window, in `zone`.
    public func nextAllowed(atOrAfter t: Instant, in zone: ZoneRules) -> Instant {
        var day = zone.localDate(t)
        for _ in 0..<Self.searchLimitDays {
            if days.contains(day.weekday) && holidays.holiday(on: day) == nil {
                let opens = zone.instant(date: day, secondOfDay: open.minuteOfDay * 60)
                let closes = zone.instant(date: day, secondOfDay: close.minuteOfDay * 60)
                if t < closes { return max(t, opens) }
            }
            day = day.adding(days: 1)
        }
        return .distantFuture
    }

    public func allows(_ t: Instant, in zone: ZoneRules) -> Bool { nextAllowed(atOrAfter: t, in: zone) == t }

    /// Why `t` is quiet for a contact in `zone` (`Saturday`, `outside 08:00-20:00`, `holiday: Thanksgiving Day`);
    /// nil when a message may go.
    public func reason(at t: Instant, in zone: ZoneRules) -> String? {
        if allows(t, in: zone) { return nil }
        let day = zone.localDate(t)
        if !days.contains(day.weekday) { return day.weekday.name.prefix(1).uppercased() + day.weekday.name.dropFirst() }
        if let h = holidays.holiday(on: day) { return "holiday: " + h.name }
        return "outside \(open)-\(close)"
    }
}
