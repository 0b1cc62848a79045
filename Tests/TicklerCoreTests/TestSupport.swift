@testable import TicklerCore

func t(_ s: String) -> Instant {
    guard let i = RFC3339.parse(s) else { fatalError("bad test timestamp \(s)") }
    return i
}

func d(_ s: String) -> LocalDate { LocalDate(iso8601: s)! }

enum Calendars {
    static let la = ZoneRules(identifier: "America/Los_Angeles")!
    static let ny = ZoneRules(identifier: "America/New_York")!
    static let london = ZoneRules(identifier: "Europe/London")!
    /// Mon–Fri 09:00–17:00 Los Angeles, US federal holidays.
    static let firm = BusinessCalendar(name: "firm", zone: la, holidays: HolidaySet(ruleSets: [.usFederal]))
    static let newYork = BusinessCalendar(name: "ny", zone: ny, holidays: HolidaySet(ruleSets: [.usFederal]))
    static let londonOffice = BusinessCalendar(name: "london", zone: london)
}

extension Period {
    static func businessDays(_ n: Int) -> Period { Period(n, .businessDays) }
}
