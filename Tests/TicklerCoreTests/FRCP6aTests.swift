import Testing
import TicklerCore

/// Fed. R. Civ. P. 6(a) and 6(d) on real 2026–2027 dates, each worked out by hand from the rule text and
/// the federal holiday calendar (New York court, so the last day ends at 23:59:59 Eastern).
@Suite struct FRCP6aTests {
    static let ny = ZoneRules(identifier: "America/New_York")!
    let court = BusinessCalendar(name: "court", zone: ny, holidays: HolidaySet(ruleSets: [.usFederal]))

    func compute(_ trigger: String, _ period: String, mail: Int = 0, calendar: BusinessCalendar? = nil) -> CourtDeadline {
        FRCP6a.compute(trigger: RFC3339.parse(trigger)!, period: CourtPeriod(parsing: period)!, calendar: calendar ?? court,
                       mailDays: mail)
    }

    @Test(arguments: [
        // (trigger, period, due UTC): plain counts, weekends, Monday holidays, Juneteenth, Thanksgiving, Christmas.
        ("2026-11-02T12:00:00-05:00", "21 days", "2026-11-24T04:59:59Z"),   // Mon Nov 23
        ("2026-10-03T12:00:00-04:00", "14 days", "2026-10-20T03:59:59Z"),   // Sat Oct 17 → Mon Oct 19
        ("2026-12-28T12:00:00-05:00", "21 days", "2027-01-20T04:59:59Z"),   // MLK Day Mon Jan 18 → Tue Jan 19
        ("2026-06-12T12:00:00-04:00", "7 days", "2026-06-23T03:59:59Z"),    // Juneteenth Fri Jun 19 → Mon Jun 22
        ("2026-11-12T12:00:00-05:00", "14 days", "2026-11-28T04:59:59Z"),   // Thanksgiving Thu Nov 26 → Fri Nov 27
        ("2026-11-25T12:00:00-05:00", "30 days", "2026-12-29T04:59:59Z"),   // Christmas Fri Dec 25 → Mon Dec 28
        ("2027-05-24T12:00:00-04:00", "7 days", "2027-06-02T03:59:59Z"),    // Memorial Day Mon May 31 → Tue Jun 1
        ("2026-11-04T12:00:00-05:00", "7 days", "2026-11-13T04:59:59Z"),    // Veterans Day Wed Nov 11 → Thu Nov 12
        ("2026-11-30T23:30:00-05:00", "1 day", "2026-12-02T04:59:59Z"),     // a late-evening event: day 1 is Dec 1
        ("2026-12-01T04:30:00Z", "1 day", "2026-12-02T04:59:59Z"),          // the same instant in UTC: the court's day counts
    ])
    func daysAfterAnEvent(trigger: String, period: String, due: String) {
        let d = compute(trigger, period)
        #expect(d.due.rfc3339 == due)
        #expect(d.alternative == nil)
    }

    @Test func aBackwardPeriodLandingOnAMondayHolidayRollsBackToFriday() {
        // 14 days before Mon Feb 1, 2027 is Mon Jan 18 (MLK Day): Sun, Sat, then Fri Jan 15.
        let d = compute("2027-02-01T09:00:00-05:00", "14 days before")
        #expect(d.due.rfc3339 == "2027-01-16T04:59:59Z")
        #expect(d.text.contains("2027-01-18 Mon  legal holiday: "))
        #expect(d.text.contains("2027-01-17 Sun  Sunday: the period continues to the previous day"))
        #expect(d.lastDay == LocalDate(year: 2027, month: 1, day: 15))
    }

    @Test func hoursRunOverAHolidayWeekendToTheSameTimeOnTuesday() {
        // 72 hours from Fri Sep 4, 2026 10:00 EDT end Mon Sep 7 10:00, Labor Day: Tue Sep 8 10:00 EDT.
        let d = compute("2026-09-04T10:00:00-04:00", "72 hours")
        #expect(d.due.rfc3339 == "2026-09-08T14:00:00Z")
        // Every hour counts, by the clock on the wall's own terms: 48 elapsed hours from Fri Oct 30 12:00 EDT
        // cross the end of DST and end Sun Nov 1 11:00 EST, so the period runs to Mon Nov 2 11:00 EST.
        #expect(compute("2026-10-30T12:00:00-04:00", "48 hours").due.rfc3339 == "2026-11-02T16:00:00Z")
        // Ending on a business day: nothing rolls.
        #expect(compute("2026-11-30T15:15:00-05:00", "24 hours").due.rfc3339 == "2026-12-01T20:15:00Z")
    }

    @Test func mailServiceAddsThreeDaysAfterThePeriodThenRollsAgain() {
        // 21 days after Mon Nov 2 is Mon Nov 23; +3 is Thanksgiving; so Fri Nov 27.
        #expect(compute("2026-11-02T12:00:00-05:00", "21 days", mail: 3).due.rfc3339 == "2026-11-28T04:59:59Z")
        // 7 days after Fri Dec 18 is Christmas: the period ends Mon Dec 28; only then +3: Thu Dec 31.
        // (Adding the three days before rolling would give Mon Dec 28.)
        #expect(compute("2026-12-18T12:00:00-05:00", "7 days", mail: 3).due.rfc3339 == "2027-01-01T04:59:59Z")
        // Without mail service the same period ends Mon Dec 28.
        #expect(compute("2026-12-18T12:00:00-05:00", "7 days").due.rfc3339 == "2026-12-29T04:59:59Z")
        // A backward period is not extended by service.
        #expect(compute("2027-02-01T09:00:00-05:00", "14 days before", mail: 3).due.rfc3339 == "2027-01-16T04:59:59Z")
    }

    @Test func anObservedFridayGivesTwoReadingsAndTheEarlierIsUsed() {
        // New Year's Day 2028 is a Saturday, observed Fri Dec 31, 2027. 14 days after Fri Dec 17, 2027.
        let ny = compute("2027-12-17T12:00:00-05:00", "14 days")
        #expect(ny.due.rfc3339 == "2028-01-01T04:59:59Z")                 // Fri Dec 31, 2027
        #expect(ny.alternative?.due.rfc3339 == "2028-01-04T04:59:59Z")   // Mon Jan 3, 2028
        #expect(ny.warnings.count == 1)
        #expect(ny.warnings.first?.hasPrefix("the result depends on whether 2027-12-31 (New Year") == true)
        #expect(ny.warnings.first?.hasSuffix("2027-12-31T23:59:59-05:00 if it is not, 2028-01-03T23:59:59-05:00 if it is; the earlier is used") == true)
        // Independence Day 2026 is a Saturday, observed Fri Jul 3.
        let july = compute("2026-06-19T12:00:00-04:00", "14 days")
        #expect(july.due.rfc3339 == "2026-07-04T03:59:59Z")               // Fri Jul 3
        #expect(july.alternative?.due.rfc3339 == "2026-07-07T03:59:59Z")  // Mon Jul 6
        // Christmas 2027 is a Saturday, observed Fri Dec 24; backward from Mon Jan 3, 2028, 10 days is Fri Dec 24:
        // read as a holiday it rolls back to Thu Dec 23, the earlier, which is used.
        let back = compute("2028-01-03T12:00:00-05:00", "10 days before")
        #expect(back.due.rfc3339 == "2027-12-24T04:59:59Z")               // Thu Dec 23
        #expect(back.alternative?.due.rfc3339 == "2027-12-25T04:59:59Z")  // Fri Dec 24
    }

    @Test func aStateHolidayCountsOnlyForPeriodsAfterAnEvent() {
        let chavez = LocalDate(year: 2026, month: 3, day: 31)
        let ca = BusinessCalendar(name: "court", zone: ZoneRules(identifier: "America/Los_Angeles")!, holidays: HolidaySet(
            ruleSets: [.usFederal], explicit: [chavez: Holiday(name: "César Chávez Day", forwardOnly: true)]))
        // After: 7 days after Tue Mar 24 is Tue Mar 31, a state holiday: Wed Apr 1.
        #expect(compute("2026-03-24T12:00:00-07:00", "7 days", calendar: ca).due.rfc3339 == "2026-04-02T06:59:59Z")
        // Before: 7 days before Tue Apr 7 is Tue Mar 31, which does not count as a holiday backward.
        #expect(compute("2026-04-07T12:00:00-07:00", "7 days before", calendar: ca).due.rfc3339 == "2026-04-01T06:59:59Z")
    }

    @Test func theExplanationListsEveryDayCountedOrSkippedAndWhy() {
        let d = compute("2026-11-12T12:00:00-05:00", "14 days")
        let lines = d.text.split(separator: "\n").map(String.init)
        #expect(lines.first == "Fed. R. Civ. P. 6(a): 14 days after the event of 2026-11-12T12:00:00-05:00, on calendar court (America/New_York)")
        #expect(lines[1] == "  2026-11-12 Thu  the day of the event: not counted (Rule 6(a)(1)(A))")
        #expect(lines[2] == "  2026-11-13 Fri  day 1")
        #expect(lines[3] == "  2026-11-14 Sat  day 2 (Saturday: counted, every day counts)")
        #expect(lines[15] == "  2026-11-26 Thu  day 14 (Thanksgiving Day: counted, every day counts): the last day (Rule 6(a)(1)(C))")
        #expect(lines[16] == "  2026-11-26 Thu  legal holiday: Thanksgiving Day: the period continues to the next day (Rule 6(a)(1)(C))")
        #expect(lines[17] == "  2026-11-27 Fri  due at the end of the day, 23:59:59 in America/New_York (Rule 6(a)(4))")
        #expect(lines[18] == "Due 2026-11-27T23:59:59-05:00 (2026-11-28T04:59:59Z)")
    }

    @Test func periodsParse() {
        #expect(CourtPeriod(parsing: "21 days") == CourtPeriod(amount: 21, unit: .days))
        #expect(CourtPeriod(parsing: "14 days before") == CourtPeriod(amount: 14, unit: .days, backward: true))
        #expect(CourtPeriod(parsing: "72 hours") == CourtPeriod(amount: 72, unit: .hours))
        #expect(CourtPeriod(parsing: "1 day")?.description == "1 day")
        for bad in ["", "days", "0 days", "-1 days", "3 weeks", "3 days after", "14 business days"] {
            #expect(CourtPeriod(parsing: bad) == nil, "\(bad)")
        }
    }
}
