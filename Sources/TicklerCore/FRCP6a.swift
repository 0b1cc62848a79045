/// Fed. R. Civ. P. 6(a), computing time, and Rule 6(d), three days added after service by mail.
///
/// - (a)(1) A period in days: exclude the day of the event, count every day (weekends and holidays
///   included), include the last day; if the last day is a Saturday, Sunday or legal holiday, the
///   period runs until the end of the next day that is none of these.
/// - (a)(2) A period in hours: begin at once, count every hour; if it would end on a Saturday, Sunday or
///   legal holiday, it runs until the same time on the next day that is none of these.
/// - (a)(4) The last day ends at midnight in the court's time zone (here 23:59:59 local).
/// - (a)(5) A period counted backward ("14 days before") continues backward: the "next day" is the
///   one before.
/// - (a)(6) Legal holidays are those of the rule's calendar; a holiday marked `forward_only` (a state
///   holiday, (a)(6)(C)) counts only for periods measured after an event.
/// - 6(d) Service by mail adds days after the period would otherwise expire under (a); the result
///   rolls again.
///
/// Whether a weekday observed in place of a weekend holiday (Friday, July 3, 2026 for Independence Day)
/// is a "legal holiday" is unsettled: both readings are computed, the earlier is used, and the later is
/// reported as the alternative with a warning.
public enum FRCP6a {
    public static func compute(trigger: Instant, period: CourtPeriod, calendar: BusinessCalendar, mailDays: Int = 0) -> CourtDeadline {
        let addition: ServiceAddition? = mailDays == 0 ? nil : period.backward
            ? ServiceAddition(days: 0, courtDays: false, afterTheLastDay: false, citation: "", none: "Rule 6(d) adds days only to a period after service")
            : ServiceAddition(days: mailDays, courtDays: false, afterTheLastDay: true, citation: "Rule 6(d)")
        return CourtCount.compute(trigger: trigger, period: period, method: .frcp6a, days: CourtDays(calendar: calendar), addition: addition)
    }
}
