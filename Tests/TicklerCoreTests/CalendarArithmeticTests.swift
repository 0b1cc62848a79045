import Testing
@testable import TicklerCore

@Suite struct BusinessDayTests {
    let firm = Calendars.firm

    @Test func skipsObservedIndependenceDayAndWeekend() {
        let recorder = SkipRecorder()
        // Thu 2026-07-02 10:00 PDT + 1 business day: Fri 3 observed, Sat 4, Sun 5 → Mon 6 10:00 PDT.
        let due = firm.shift(t("2026-07-02T17:00:00Z"), by: .businessDays(1), recorder: recorder)
        #expect(due == t("2026-07-06T17:00:00Z"))
        #expect(recorder.days == [
            SkippedDay(date: d("2026-07-03"), reason: "holiday: Independence Day (observed)"),
            SkippedDay(date: d("2026-07-04"), reason: "Saturday"),
            SkippedDay(date: d("2026-07-05"), reason: "Sunday"),
        ])
    }

    @Test func skipsJuneteenth() {
        // Thu 2026-06-18 10:00 PDT + 1 → Fri 19 Juneteenth → Mon 22 10:00 PDT.
        #expect(firm.shift(t("2026-06-18T17:00:00Z"), by: .businessDays(1)) == t("2026-06-22T17:00:00Z"))
    }

    @Test func startingOnSaturdayTheFirstBusinessDayAfterCountsAsOne() {
        // Sat 2026-09-05 10:00 PDT; Mon 7 is Labor Day → Tue 8 10:00 PDT.
        #expect(firm.shift(t("2026-09-05T17:00:00Z"), by: .businessDays(1)) == t("2026-09-08T17:00:00Z"))
    }

    @Test func tenBusinessDaysOverThanksgiving() {
        // Mon 2026-11-16 09:00 PST; Thanksgiving Thu 26 skipped; Fri 27 counts → Tue Dec 1 09:00 PST.
        #expect(firm.shift(t("2026-11-16T17:00:00Z"), by: .businessDays(10)) == t("2026-12-01T17:00:00Z"))
    }

    @Test func independenceDay2027ObservedOnMonday() {
        // Fri 2027-07-02 10:00 PDT + 1: Sat 3, Sun 4 (the holiday), Mon 5 observed → Tue Jul 6 10:00 PDT.
        let recorder = SkipRecorder()
        #expect(firm.shift(t("2027-07-02T17:00:00Z"), by: .businessDays(1), recorder: recorder) == t("2027-07-06T17:00:00Z"))
        #expect(recorder.days.map(\.reason) == ["Saturday", "Sunday", "holiday: Independence Day (observed)"])
    }

    @Test func christmas2027ObservedOnFriday() {
        // Thu 2027-12-23 10:00 PST + 1 → Fri 24 observed, weekend → Mon 27 10:00 PST.
        #expect(firm.shift(t("2027-12-23T18:00:00Z"), by: .businessDays(1)) == t("2027-12-27T18:00:00Z"))
    }

    @Test func newYear2028ObservedOnFridayDecember31() {
        // Thu 2027-12-30 10:00 PST + 1 → Fri 31 observed New Year → Mon 2028-01-03.
        #expect(firm.shift(t("2027-12-30T18:00:00Z"), by: .businessDays(1)) == t("2028-01-03T18:00:00Z"))
    }

    @Test func courtDaysCountedBackwardSkipMartinLutherKingDay() {
        // Tue 2026-01-20 17:00 PST, 2 days back: Mon 19 MLK skipped, Fri 16 (1), Thu 15 (2).
        #expect(firm.shift(t("2026-01-21T01:00:00Z"), by: Period(2, .courtDays), sign: -1) == t("2026-01-16T01:00:00Z"))
    }

    @Test func backwardAcrossSpringForwardKeepsWallClock() {
        // Mon 2026-03-09 10:00 EDT − 1 business day → Fri 6 10:00 EST.
        #expect(Calendars.newYork.shift(t("2026-03-09T14:00:00Z"), by: .businessDays(1), sign: -1) == t("2026-03-06T15:00:00Z"))
    }

    @Test func zeroBusinessDaysIsTheAnchorItself() {
        #expect(firm.shift(t("2026-07-04T17:00:00Z"), by: .businessDays(0)) == t("2026-07-04T17:00:00Z"))
    }

    @Test func calendarWithoutBusinessDaysNeverComesDue() {
        let closed = BusinessCalendar(name: "closed", zone: .utc, workweek: [])
        #expect(closed.shift(t("2026-01-01T00:00:00Z"), by: .businessDays(1)) == .distantFuture)
    }
}

@Suite struct CalendarDayTests {
    @Test func oneDayAcrossNewYorkSpringForwardKeepsTenOClock() {
        #expect(Calendars.newYork.shift(t("2026-03-07T15:00:00Z"), by: Period(1, .days)) == t("2026-03-08T14:00:00Z"))
    }

    @Test func oneDayAcrossNewYorkFallBackKeepsTenOClock() {
        #expect(Calendars.newYork.shift(t("2026-10-31T14:00:00Z"), by: Period(1, .days)) == t("2026-11-01T15:00:00Z"))
    }

    @Test func oneDayAcrossLondonChangesKeepsTenOClock() {
        #expect(Calendars.londonOffice.shift(t("2026-03-28T10:00:00Z"), by: Period(1, .days)) == t("2026-03-29T09:00:00Z"))
        #expect(Calendars.londonOffice.shift(t("2026-10-24T09:00:00Z"), by: Period(1, .days)) == t("2026-10-25T10:00:00Z"))
    }

    @Test func hoursAreElapsedTimeAcrossDST() {
        // Sat 10:00 EST + 24 hours = Sun 11:00 EDT.
        #expect(Calendars.newYork.shift(t("2026-03-07T15:00:00Z"), by: Period(24, .hours)) == t("2026-03-08T15:00:00Z"))
        #expect(Calendars.newYork.shift(t("2026-03-07T15:00:00Z"), by: Period(90, .minutes)) == t("2026-03-07T16:30:00Z"))
    }

    @Test func twoWeeksAcrossSpringForward() {
        #expect(Calendars.newYork.shift(t("2026-03-01T15:00:00Z"), by: Period(2, .weeks)) == t("2026-03-15T14:00:00Z"))
    }

    @Test func wallTimeLandingInTheGapMovesForward() {
        // Sat 2026-03-07 02:30 EST + 1 day → 02:30 does not exist on the 8th → 03:30 EDT (07:30Z).
        #expect(Calendars.newYork.shift(t("2026-03-07T07:30:00Z"), by: Period(1, .days)) == t("2026-03-08T07:30:00Z"))
    }

    @Test func daysBackwardAcrossFallBack() {
        #expect(Calendars.newYork.shift(t("2026-11-01T15:00:00Z"), by: Period(1, .days), sign: -1) == t("2026-10-31T14:00:00Z"))
    }
}

@Suite struct BusinessHourTests {
    let firm = Calendars.firm

    @Test func crossesClosingTimeIntoNextMorning() {
        // Mon 2026-11-16 15:00 PST + 4 business hours → 2 today, 2 Tue → Tue 11:00 PST.
        #expect(firm.shift(t("2026-11-16T23:00:00Z"), by: Period(4, .businessHours)) == t("2026-11-17T19:00:00Z"))
    }

    @Test func crossesWeekend() {
        // Fri 2026-11-20 16:00 PST + 2 → Mon 23 10:00 PST.
        #expect(firm.shift(t("2026-11-21T00:00:00Z"), by: Period(2, .businessHours)) == t("2026-11-23T18:00:00Z"))
    }

    @Test func crossesThanksgivingToTheFridayAfter() {
        // Wed 2026-11-25 16:00 PST + 2 → Thu holiday → Fri 27 10:00 PST.
        #expect(firm.shift(t("2026-11-26T00:00:00Z"), by: Period(2, .businessHours)) == t("2026-11-27T18:00:00Z"))
    }

    @Test func endingExactlyAtClosingLandsOnTheClose() {
        // Mon 2026-11-16 09:00 + 8 → Mon 17:00 PST.
        #expect(firm.shift(t("2026-11-16T17:00:00Z"), by: Period(8, .businessHours)) == t("2026-11-17T01:00:00Z"))
    }

    @Test func startingAtNightOnSaturday() {
        // Sat 2026-11-21 01:00 PST + 1 → Mon 10:00 PST.
        #expect(firm.shift(t("2026-11-21T09:00:00Z"), by: Period(1, .businessHours)) == t("2026-11-23T18:00:00Z"))
    }

    @Test func backwardFromMondayMorningIntoFriday() {
        // Mon 2026-11-23 10:00 PST − 2 → 1 h Monday, 1 h Friday → Fri 16:00 PST.
        #expect(firm.shift(t("2026-11-23T18:00:00Z"), by: Period(2, .businessHours), sign: -1) == t("2026-11-21T00:00:00Z"))
    }

    @Test func splitWindowsSkipTheLunchBreak() {
        let lunch = BusinessCalendar(name: "x", zone: .utc, hours: [
            .init(open: TimeOfDay(hour: 9, minute: 0), close: TimeOfDay(hour: 12, minute: 0)),
            .init(open: TimeOfDay(hour: 13, minute: 0), close: TimeOfDay(hour: 17, minute: 0)),
        ])
        // Mon 2026-11-16 11:00Z + 2 → 1 h before lunch, 1 h after → 14:00Z.
        #expect(lunch.shift(t("2026-11-16T11:00:00Z"), by: Period(2, .businessHours)) == t("2026-11-16T14:00:00Z"))
    }
}

@Suite struct PlacementAndDeliveryTests {
    let firm = Calendars.firm

    @Test func atPlacesOnTheLocalDateNotTheUTCDate() {
        // 2026-10-06T03:00Z is Oct 5 20:00 PDT; 7 days before is Sep 28 (local); at 09:00 → Sep 28 16:00Z.
        let shifted = firm.shift(t("2026-10-06T03:00:00Z"), by: Period(7, .days), sign: -1)
        #expect(firm.place(shifted, at: TimeOfDay(hour: 9, minute: 0)) == t("2026-09-28T16:00:00Z"))
    }

    @Test func deadlineFourteenDaysBeforeAtNine() {
        let shifted = firm.shift(t("2026-10-05T23:59:00Z"), by: Period(14, .days), sign: -1)
        #expect(firm.place(shifted, at: TimeOfDay(hour: 9, minute: 0)) == t("2026-09-21T16:00:00Z"))
    }

    @Test func nextOpeningFromSaturdayIsMondayNine() {
        #expect(firm.nextOpening(atOrAfter: t("2026-11-21T18:00:00Z")) == t("2026-11-23T17:00:00Z"))
    }

    @Test func nextOpeningBeforeOpeningIsSameDayNine() {
        #expect(firm.nextOpening(atOrAfter: t("2026-11-23T16:00:00Z")) == t("2026-11-23T17:00:00Z"))
    }

    @Test func closingTimeIsOutsideBusinessHours() {
        // Mon 17:00 PST → Tue 09:00 PST.
        #expect(firm.nextOpening(atOrAfter: t("2026-11-24T01:00:00Z")) == t("2026-11-24T17:00:00Z"))
        #expect(firm.isOpen(at: t("2026-11-24T00:59:59Z")))
    }

    @Test func nextOpeningSkipsHolidays() {
        // Wed 2026-11-25 18:00 PST → Thanksgiving → Fri 27 09:00 PST.
        #expect(firm.nextOpening(atOrAfter: t("2026-11-26T02:00:00Z")) == t("2026-11-27T17:00:00Z"))
    }
}
