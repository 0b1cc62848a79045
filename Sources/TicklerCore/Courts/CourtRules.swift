/// A court ready to count by: its file, its days (computed once), and the same days as a business calendar
/// for the `court days` of reminders before its deadlines.
public final class CourtRules: Sendable {
    public let court: Court
    public let days: CourtDays
    /// Weekends, the court's holidays both ways (doubtful ones too: a reminder comes early rather than late)
    /// and its closures are not court days.
    public let calendar: BusinessCalendar

    public init(_ court: Court) {
        self.court = court
        days = court.days()
        var closed: [LocalDate: Holiday] = [:]
        for d in days.holidayDates {
            if let h = days.holiday(on: d, forward: false) { closed[d] = h }
        }
        for c in court.closures { closed[c.date] = Holiday(name: "court closed: \(c.reason)") }
        calendar = BusinessCalendar(name: court.id, zone: court.zone, holidays: HolidaySet(explicit: closed))
    }

    /// `period` from `trigger`, served by `service`, as this court counts it.
    public func count(trigger: Instant, period: CourtPeriod, service: TriggerEvent.ServiceMethod?) -> CourtDeadline {
        CourtCount.compute(trigger: trigger, period: period, method: court.method, days: days, service: service)
    }
}

/// A business calendar compared by identity: what a deadline counted by a court carries to the reminders
/// before it.
public struct CalendarRef: Sendable, Equatable {
    public let calendar: BusinessCalendar

    public init(_ calendar: BusinessCalendar) { self.calendar = calendar }

    public static func == (a: CalendarRef, b: CalendarRef) -> Bool { a.calendar === b.calendar }
}
