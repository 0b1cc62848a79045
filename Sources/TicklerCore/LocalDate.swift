/// A civil date with no time zone, stored as days since 1970-01-01 (proleptic Gregorian).
public struct LocalDate: Hashable, Comparable, Sendable, CustomStringConvertible {
    public var dayNumber: Int

    public init(dayNumber: Int) { self.dayNumber = dayNumber }

    public init(year: Int, month: Int, day: Int) {
        // Howard Hinnant's days_from_civil.
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        dayNumber = era * 146_097 + doe - 719_468
    }

    /// Parses `YYYY-MM-DD`; nil when malformed or not a real date.
    public init?(iso8601 text: String) {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
              let y = Int(parts[0]), let m = Int(parts[1]), let d = Int(parts[2]),
              (1...12).contains(m), d >= 1, d <= LocalDate.daysInMonth(year: y, month: m)
        else { return nil }
        self.init(year: y, month: m, day: d)
    }

    public var components: (year: Int, month: Int, day: Int) {
        let z = dayNumber + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (m <= 2 ? 1 : 0), m, d)
    }

    public var year: Int { components.year }
    public var weekday: Weekday { Weekday(rawValue: (dayNumber + 3).floorMod(7) + 1)! }

    public func adding(days: Int) -> LocalDate { LocalDate(dayNumber: dayNumber + days) }

    public var iso8601: String {
        let (y, m, d) = components
        let ys = y >= 0 && y < 10_000 ? String(repeating: "0", count: 4 - String(y).count) + String(y) : String(y)
        return ys + "-" + pad2(m) + "-" + pad2(d)
    }

    public var description: String { iso8601 }

    public static func < (lhs: LocalDate, rhs: LocalDate) -> Bool { lhs.dayNumber < rhs.dayNumber }

    public static func isLeap(_ y: Int) -> Bool { (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 }

    public static func daysInMonth(year: Int, month: Int) -> Int {
        switch month {
        case 2: return isLeap(year) ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    /// The `n`th (1-based) given weekday of a month; `n == -1` is the last one.
    public static func nthWeekday(_ n: Int, _ weekday: Weekday, year: Int, month: Int) -> LocalDate {
        if n > 0 {
            let first = LocalDate(year: year, month: month, day: 1)
            let delta = (weekday.rawValue - first.weekday.rawValue).floorMod(7)
            return first.adding(days: delta + 7 * (n - 1))
        }
        let last = LocalDate(year: year, month: month, day: daysInMonth(year: year, month: month))
        let delta = (last.weekday.rawValue - weekday.rawValue).floorMod(7)
        return last.adding(days: -delta)
    }
}

/// ISO weekday: Monday is 1, Sunday is 7.
public enum Weekday: Int, Sendable, CaseIterable, Comparable {
    case monday = 1, tuesday, wednesday, thursday, friday, saturday, sunday

    /// Parses `mon`, `monday`, `Mon`…
    public init?(name: String) {
        let n = name.lowercased()
        guard let day = Weekday.allCases.first(where: { n == $0.name || n == $0.shortName }) else { return nil }
        self = day
    }

    public var name: String {
        ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"][rawValue - 1]
    }
    public var shortName: String { String(name.prefix(3)) }

    public static func < (lhs: Weekday, rhs: Weekday) -> Bool { lhs.rawValue < rhs.rawValue }
}

/// A wall-clock time of day in minutes since midnight (`HH:MM`); 24:00 is allowed as an end of day.
public struct TimeOfDay: Hashable, Comparable, Sendable, CustomStringConvertible {
    public var minuteOfDay: Int

    public init(minuteOfDay: Int) { self.minuteOfDay = minuteOfDay }
    public init(hour: Int, minute: Int) { self.minuteOfDay = hour * 60 + minute }

    /// Parses `HH:MM` (00:00–24:00).
    public init?(hhmm text: String) {
        let p = text.split(separator: ":", omittingEmptySubsequences: false)
        guard p.count == 2, p[0].count == 2, p[1].count == 2, let h = Int(p[0]), let m = Int(p[1]),
              (0...24).contains(h), (0...59).contains(m), h * 60 + m <= 1440
        else { return nil }
        self.init(hour: h, minute: m)
    }

    public var hhmm: String { pad2(minuteOfDay / 60) + ":" + pad2(minuteOfDay % 60) }
    public var description: String { hhmm }
    public static func < (l: TimeOfDay, r: TimeOfDay) -> Bool { l.minuteOfDay < r.minuteOfDay }
}
