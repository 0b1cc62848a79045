/// A day on which a calendar does not count business days.
public struct Holiday: Hashable, Sendable {
    public var name: String
    /// True for a weekday observed in place of a holiday that falls on a weekend.
    public var observed: Bool
    /// A state holiday that Fed. R. Civ. P. 6(a)(6)(C) counts only for periods measured after an event
    /// (`forward_only: true`); business-day counting always skips it.
    public var forwardOnly: Bool
    /// Why it is unsettled whether the day is a legal holiday (a Texas state holiday under Tex. R. Civ. P. 4;
    /// a day closed by executive order): deadlines are counted both ways and the earlier is used.
    public var doubt: String?
    /// The law that makes it a holiday.
    public var citation: String

    public init(name: String, observed: Bool = false, forwardOnly: Bool = false, doubt: String? = nil, citation: String = "") {
        self.name = name
        self.observed = observed
        self.forwardOnly = forwardOnly
        self.doubt = doubt
        self.citation = citation
    }
}

/// Named, computed holiday rule sets usable in `holidays:`.
public enum HolidayRuleSet: String, Sendable, CaseIterable {
    case usFederal = "us-federal"

    /// The holidays this rule set places in `year`, including an observed day that a holiday of the next
    /// year pulls back into it (New Year's Day on a Saturday is observed on December 31).
    public func holidays(in year: Int) -> [(LocalDate, Holiday)] {
        switch self {
        case .usFederal: return USFederalHolidays.holidays(in: year)
        }
    }
}

/// 5 U.S.C. 6103: the federal holidays, with the observed-day rule of Executive Order 11582 as OPM
/// applies it: a holiday on a Saturday is observed the Friday before, on a Sunday the Monday after.
enum USFederalHolidays {
    static func holidays(in year: Int) -> [(LocalDate, Holiday)] {
        var out: [(LocalDate, Holiday)] = []
        func fixed(_ month: Int, _ day: Int, _ name: String) {
            let date = LocalDate(year: year, month: month, day: day)
            out.append((date, Holiday(name: name)))
            switch date.weekday {
            case .saturday: out.append((date.adding(days: -1), Holiday(name: name + " (observed)", observed: true)))
            case .sunday: out.append((date.adding(days: 1), Holiday(name: name + " (observed)", observed: true)))
            default: break
            }
        }
        func nth(_ n: Int, _ weekday: Weekday, _ month: Int, _ name: String) {
            out.append((LocalDate.nthWeekday(n, weekday, year: year, month: month), Holiday(name: name)))
        }
        fixed(1, 1, "New Year's Day")
        // Next year's New Year's Day on a Saturday is observed on this year's December 31.
        let nextNewYear = LocalDate(year: year + 1, month: 1, day: 1)
        if nextNewYear.weekday == .saturday {
            out.append((nextNewYear.adding(days: -1), Holiday(name: "New Year's Day (observed)", observed: true)))
        }
        if year >= 1986 { nth(3, .monday, 1, "Birthday of Martin Luther King, Jr.") }
        nth(3, .monday, 2, "Washington's Birthday")
        nth(-1, .monday, 5, "Memorial Day")
        if year >= 2021 { fixed(6, 19, "Juneteenth National Independence Day") }
        fixed(7, 4, "Independence Day")
        nth(1, .monday, 9, "Labor Day")
        nth(2, .monday, 10, "Columbus Day")
        fixed(11, 11, "Veterans Day")
        nth(4, .thursday, 11, "Thanksgiving Day")
        fixed(12, 25, "Christmas Day")
        // A Saturday January 1 yields an observed day in the previous year: keep only this year's dates.
        return out.filter { $0.0.year == year }
    }
}

/// The holidays of one calendar: rule sets plus explicit dates (from the YAML or `.ics` files).
public struct HolidaySet: Sendable {
    public let ruleSets: [HolidayRuleSet]
    public let explicit: [LocalDate: Holiday]
    /// Rule-set holidays for the years most calendars ever touch, so a lookup is one hash probe.
    private let table: [Int: Holiday]
    private static let tableYears = 1970...2200

    public init(ruleSets: [HolidayRuleSet] = [], explicit: [LocalDate: Holiday] = [:]) {
        self.ruleSets = ruleSets
        self.explicit = explicit
        var table: [Int: Holiday] = [:]
        for set in ruleSets {
            for year in Self.tableYears {
                for (date, holiday) in set.holidays(in: year) where table[date.dayNumber] == nil {
                    table[date.dayNumber] = holiday
                }
            }
        }
        self.table = table
    }

    public static let none = HolidaySet()

    /// The holiday on `date`, if any. Explicit dates win over rule sets.
    public func holiday(on date: LocalDate) -> Holiday? {
        if let h = explicit[date] { return h }
        if ruleSets.isEmpty { return nil }
        let year = date.year
        if Self.tableYears.contains(year) { return table[date.dayNumber] }
        for set in ruleSets {
            if let h = set.holidays(in: year).first(where: { $0.0 == date }) { return h.1 }
        }
        return nil
    }
}
