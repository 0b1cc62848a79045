/// A firm's or court's calendar: time zone, workweek, business hours and holidays.
public struct BusinessCalendar: Sendable {
    /// One opening window on a business day, `[open, close)` in wall-clock time.
    public struct Window: Hashable, Sendable {
        public var open: TimeOfDay
        public var close: TimeOfDay
        public init(open: TimeOfDay, close: TimeOfDay) {
            self.open = open
            self.close = close
        }
    }

    public let name: String
    public let zone: ZoneRules
    public let workweek: Set<Weekday>
    /// Sorted, non-overlapping windows; used by `business hours` and `deliver: business_hours`.
    public let hours: [Window]
    public let holidays: HolidaySet
    private let workdayMask: UInt8

    public static let defaultHours = [Window(open: TimeOfDay(hour: 9, minute: 0), close: TimeOfDay(hour: 17, minute: 0))]

    public init(
        name: String, zone: ZoneRules, workweek: Set<Weekday> = [.monday, .tuesday, .wednesday, .thursday, .friday],
        hours: [Window] = BusinessCalendar.defaultHours, holidays: HolidaySet = .none
    ) {
        self.name = name
        self.zone = zone
        self.workweek = workweek
        self.hours = hours.sorted { $0.open < $1.open }
        self.holidays = holidays
        self.workdayMask = workweek.reduce(0) { $0 | (1 << UInt8($1.rawValue)) }
    }

    /// The calendar used when a configuration defines none: UTC, Monday to Friday, 09:00–17:00.
    public static let utcDefault = BusinessCalendar(name: "default", zone: .utc)

    public func isWorkday(_ weekday: Weekday) -> Bool { workdayMask & (1 << UInt8(weekday.rawValue)) != 0 }

    public func isBusinessDay(_ date: LocalDate) -> Bool {
        isWorkday(date.weekday) && holidays.holiday(on: date) == nil
    }

    /// Why `date` is not a business day (`Saturday`, `holiday: Christmas Day (observed)`), or nil if it is one.
    public func nonBusinessReason(_ date: LocalDate) -> String? {
        let weekday = date.weekday
        if !isWorkday(weekday) { return weekday.name.prefix(1).uppercased() + weekday.name.dropFirst() }
        if let h = holidays.holiday(on: date) { return "holiday: " + h.name }
        return nil
    }
}
