/// A court as `config/courts/COURT.yaml` describes it: its counting method, its time zone, its legal
/// holidays (as rules for any year), the state holidays a federal rule counts forward only, and its closures.
public struct Court: Sendable {
    public var id: String
    public var name: String
    public var method: CountingMethod
    public var zone: ZoneRules
    /// Days the court is closed by law, counted both ways.
    public var holidays: [HolidayRules]
    /// The holidays of the state where a federal court sits (Fed. R. Civ. P. 6(a)(6)(C) and its twins):
    /// counted only for periods after an event. For an appeal, the state holidays of the court below join
    /// these (Fed. R. App. P. 26(a)(6)(C)).
    public var stateHolidays: [HolidayRules]
    public var closures: [CourtClosure]
    public var citation: String

    public init(id: String, name: String, method: CountingMethod, zone: ZoneRules, holidays: [HolidayRules], stateHolidays: [HolidayRules] = [],
                closures: [CourtClosure] = [], citation: String = "") {
        self.id = id
        self.name = name
        self.method = method
        self.zone = zone
        self.holidays = holidays
        self.stateHolidays = stateHolidays
        self.closures = closures
        self.citation = citation
    }

    /// The days this court counts by, for an appeal from `below` when it is given (its state's holidays
    /// count forward, as the clerk's state's do).
    public func days(appealFrom below: Court? = nil) -> CourtDays {
        var table = CourtDays.Table()
        for rules in holidays { table.add(rules, forwardOnly: false) }
        let state = stateHolidays + (below?.stateHolidays ?? [])
        for rules in state { table.add(rules, forwardOnly: method.isFederal) }
        let label = below.map { "in court \(id), on appeal from \($0.id)" } ?? "in court \(id)"
        return CourtDays(label: label, zone: zone, table: table, closures: Dictionary(closures.map { ($0.date, $0) }) { a, _ in a })
    }
}

/// A day a court was closed by order, weather or an outage (Fed. R. Civ. P. 6(a)(3), "inaccessibility";
/// Cal. Code Civ. Proc. § 12b): not a holiday, but a last day falling on it moves to the next day the court
/// is open.
public struct CourtClosure: Sendable, Equatable, Hashable {
    public var date: LocalDate
    public var reason: String
    /// Where the closure is announced (a URL, an order's number).
    public var source: String

    public init(date: LocalDate, reason: String, source: String) {
        self.date = date
        self.reason = reason
        self.source = source
    }
}

/// What a count asks of a calendar: the zone, the holiday (if any) of a day, and the closures.
public struct CourtDays: Sendable {
    /// Holidays by day, for the years deadlines are counted in (computed once: a lookup is one probe).
    struct Table: Sendable {
        static let years = 1970...2200
        var byDay: [Int: [Holiday]] = [:]

        mutating func add(_ rules: HolidayRules, forwardOnly: Bool) {
            for year in Self.years {
                for (date, h) in rules.holidays(in: year) {
                    var h = h
                    if forwardOnly { h.forwardOnly = true }
                    byDay[date.dayNumber, default: []].append(h)
                }
            }
        }
    }

    /// `in court us-sdny`, `on calendar court`.
    public let label: String
    public let zone: ZoneRules
    private let table: Table?
    private let calendar: BusinessCalendar?
    public let closures: [LocalDate: CourtClosure]

    init(label: String, zone: ZoneRules, table: Table, closures: [LocalDate: CourtClosure]) {
        self.label = label
        self.zone = zone
        self.table = table
        self.calendar = nil
        self.closures = closures
    }

    /// A configured calendar's holidays (`holidays: [us-federal]`, dates, `.ics` files), as `deadline --calendar` counts.
    public init(calendar: BusinessCalendar) {
        self.label = "on calendar \(calendar.name)"
        self.zone = calendar.zone
        self.table = nil
        self.calendar = calendar
        self.closures = [:]
    }

    /// Every date with a holiday in the court's table (none for a configured calendar's).
    var holidayDates: [LocalDate] { (table?.byDay.keys).map { $0.map { LocalDate(dayNumber: $0) } } ?? [] }

    /// Every holiday on `date` (the calendar's own lookup gives one; a weekday observed in place of a weekend
    /// federal holiday is doubtful there, as 5 U.S.C. § 6103 with Exec. Order No. 11582 makes it).
    public func holidays(on date: LocalDate) -> [Holiday] {
        if let calendar {
            guard var h = calendar.holidays.holiday(on: date) else { return [] }
            if h.observed && h.doubt == nil { h.doubt = CourtCount.observedDoubt }
            return [h]
        }
        return table?.byDay[date.dayNumber] ?? []
    }

    /// The holiday that closes `date` for a period counted `forward` or not: a settled one before a doubtful
    /// one; a state holiday of a federal court only forward.
    public func holiday(on date: LocalDate, forward: Bool) -> Holiday? {
        let all = holidays(on: date)
        guard !all.isEmpty else { return nil }
        let applicable = all.filter { forward || !$0.forwardOnly }
        return applicable.first { $0.doubt == nil } ?? applicable.first
    }
}
