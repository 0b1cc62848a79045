/// A holiday as a rule for any year, as statutes write them: a fixed date (July 4), the nth weekday of a
/// month (the fourth Thursday in November), a day after another (the day after Thanksgiving), or the
/// general election day (the Tuesday after the first Monday in November); with the jurisdiction's rule
/// for a holiday that falls on a weekend, and the years it has been law.
public struct HolidayRule: Sendable, Equatable {
    public indirect enum Day: Sendable, Equatable {
        case fixed(month: Int, day: Int)
        /// `n` 1...5, or -1 for the last.
        case nth(Int, Weekday, month: Int)
        /// `days` after (or before, when negative) another rule's day.
        case after(Day, days: Int)
        /// The Tuesday after the first Monday in November.
        case electionDay
        /// One day only (a closure declared by executive order): its year alone.
        case once(LocalDate)

        /// The day in `year`.
        public func date(in year: Int) -> LocalDate {
            switch self {
            case .fixed(let m, let d): return LocalDate(year: year, month: m, day: d)
            case .nth(let n, let w, let m): return LocalDate.nthWeekday(n, w, year: year, month: m)
            case .after(let day, let days): return day.date(in: year).adding(days: days)
            case .electionDay: return LocalDate.nthWeekday(1, .monday, year: year, month: 11).adding(days: 1)
            case .once(let d): return d
            }
        }
    }

    /// Where a holiday that falls on a weekend is observed.
    public enum Observed: String, Sendable, Equatable, CaseIterable {
        /// Not moved: a Saturday or Sunday holiday is only that (a weekend closes the court anyway).
        case none
        /// A Sunday holiday is observed the Monday after; a Saturday one is not moved (New York, GCL § 24).
        case sundayToMonday = "sunday-to-monday"
        /// Saturday → the Friday before, Sunday → the Monday after (5 U.S.C. 6103 with E.O. 11582; Cal. Rules
        /// of Court 1.11).
        case saturdayToFridaySundayToMonday = "saturday-to-friday-sunday-to-monday"
    }

    /// Which years it is a holiday in.
    public enum Years: String, Sendable, Equatable, CaseIterable {
        case every, even, odd
    }

    public var name: String
    public var day: Day
    public var observed: Observed
    /// The first and last years it is law (nil: always).
    public var since: Int?
    public var until: Int?
    public var years: Years
    /// A state holiday that Fed. R. Civ. P. 6(a)(6)(C) counts only for periods measured after an event.
    public var forwardOnly: Bool
    /// Where the rule comes from (`Cal. Civ. Proc. Code § 135`), for the explanation of every day it moves.
    public var citation: String
    /// Why it is unsettled whether the day counts as a legal holiday (nil: it does).
    public var doubt: String?
    /// Why it is unsettled whether the weekday it is observed on counts (5 U.S.C. § 6103's observed days
    /// come from an executive order, not the statute).
    public var observedDoubt: String?

    public init(name: String, day: Day, observed: Observed = .none, since: Int? = nil, until: Int? = nil, years: Years = .every,
                forwardOnly: Bool = false, citation: String = "", doubt: String? = nil) {
        self.doubt = doubt
        self.name = name
        self.day = day
        self.observed = observed
        self.since = since
        self.until = until
        self.years = years
        self.forwardOnly = forwardOnly
        self.citation = citation
    }

    /// Whether it is law in `year`.
    public func applies(in year: Int) -> Bool {
        if case .once(let d) = day { return d.year == year }
        if let since, year < since { return false }
        if let until, year > until { return false }
        switch years {
        case .every: return true
        case .even: return year % 2 == 0
        case .odd: return year % 2 != 0
        }
    }

    /// The days it closes in `year`: the holiday itself and, when it falls on a weekend, the weekday it is
    /// observed on (which may be in the year before: a Saturday January 1 is observed on December 31).
    public func days(in year: Int) -> [(LocalDate, Holiday)] {
        var out: [(LocalDate, Holiday)] = []
        for y in [year, year + 1] where applies(in: y) {
            let date = day.date(in: y)
            let holiday = Holiday(name: name, forwardOnly: forwardOnly, doubt: doubt, citation: citation)
            let observedName = name + " (observed)"
            if y == year { out.append((date, holiday)) }
            switch (observed, date.weekday) {
            case (.saturdayToFridaySundayToMonday, .saturday):
                out.append((date.adding(days: -1), Holiday(name: observedName, observed: true, forwardOnly: forwardOnly, doubt: doubt ?? observedDoubt, citation: citation)))
            case (.saturdayToFridaySundayToMonday, .sunday), (.sundayToMonday, .sunday):
                out.append((date.adding(days: 1), Holiday(name: observedName, observed: true, forwardOnly: forwardOnly, doubt: doubt ?? observedDoubt, citation: citation)))
            default: break
            }
        }
        return out.filter { $0.0.year == year }
    }
}

/// A jurisdiction's holidays as rules (`config/courts/`): computed for any year.
public struct HolidayRules: Sendable, Equatable {
    public var name: String
    public var rules: [HolidayRule]

    public init(name: String, rules: [HolidayRule]) {
        self.name = name
        self.rules = rules
    }

    /// Every day closed in `year`, by date (the first rule's name where two fall on one day), in date order.
    public func holidays(in year: Int) -> [(LocalDate, Holiday)] {
        var seen = Set<LocalDate>()
        var out: [(LocalDate, Holiday)] = []
        for r in rules {
            for (d, h) in r.days(in: year) where seen.insert(d).inserted { out.append((d, h)) }
        }
        return out.sorted { $0.0 < $1.0 }
    }
}
