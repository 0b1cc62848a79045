/// A firm's or court's calendar: time zone, workweek, business hours and holidays.
public final class BusinessCalendar: Sendable {
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
    /// One bit per day from `bitmapStart` for `bitmapDays` days: set when the day is not a business day.
    /// Counting business days probes this once per day; a hash lookup there dominated evaluation.
    private let closedDays: [UInt64]
    private static let bitmapStart = LocalDate(year: 1970, month: 1, day: 1).dayNumber
    private static let bitmapDays = LocalDate(year: 2200, month: 1, day: 1).dayNumber - bitmapStart

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
        let mask = workweek.reduce(UInt8(0)) { $0 | (1 << UInt8($1.rawValue)) }
        self.workdayMask = mask
        var bits = [UInt64](repeating: 0, count: Self.bitmapDays / 64 + 1)
        for i in 0..<Self.bitmapDays {
            let date = LocalDate(dayNumber: Self.bitmapStart + i)
            if mask & (1 << UInt8(date.weekday.rawValue)) == 0 || holidays.holiday(on: date) != nil {
                bits[i >> 6] |= 1 << UInt64(i & 63)
            }
        }
        self.closedDays = bits
    }

    /// The calendar used when a configuration defines none: UTC, Monday to Friday, 09:00–17:00.
    public static let utcDefault = BusinessCalendar(name: "default", zone: .utc)

    public func isWorkday(_ weekday: Weekday) -> Bool { workdayMask & (1 << UInt8(weekday.rawValue)) != 0 }

    public func isBusinessDay(_ date: LocalDate) -> Bool {
        let i = date.dayNumber - Self.bitmapStart
        if i >= 0 && i < Self.bitmapDays { return closedDays[i >> 6] & (1 << UInt64(i & 63)) == 0 }
        return isWorkday(date.weekday) && holidays.holiday(on: date) == nil
    }

    /// Why `date` is not a business day (`Saturday`, `holiday: Christmas Day (observed)`), or nil if it is one.
    public func nonBusinessReason(_ date: LocalDate) -> String? {
        if isBusinessDay(date) { return nil }
        let weekday = date.weekday
        if !isWorkday(weekday) { return weekday.name.prefix(1).uppercased() + weekday.name.dropFirst() }
        if let h = holidays.holiday(on: date) { return "holiday: " + h.name }
        return nil
    }
}
