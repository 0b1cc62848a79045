import Testing
import TicklerCore

/// The spans looked back over are calendar days in the calendar's zone: across the end of daylight time a
/// day is 25 hours, across its start 23.
struct LookbackTests {
    let newYork = BusinessCalendar(name: "firm", zone: ZoneRules(identifier: "America/New_York")!)

    @Test func aDayBackAcrossTheEndOfDaylightTimeIsTwentyFiveHours() {
        // Sunday 2026-11-01 12:00 EST (17:00Z); a day earlier is Saturday 12:00 EDT (16:00Z).
        let now = RFC3339.parse("2026-11-01T17:00:00Z")!
        #expect(Lookback.start(of: Lookback.recentFailures, endingAt: now, on: newYork) == RFC3339.parse("2026-10-31T16:00:00Z")!)
        // Across its start (Sunday 2026-03-08), 23 hours.
        let spring = RFC3339.parse("2026-03-08T16:00:00Z")!  // 12:00 EDT
        #expect(Lookback.start(of: Lookback.recentFailures, endingAt: spring, on: newYork) == RFC3339.parse("2026-03-07T17:00:00Z")!)
    }

    @Test func theSurveyWindowAndTheDiffWindowAreCalendarDays() {
        let now = RFC3339.parse("2026-11-10T15:00:00Z")!  // 10:00 EST
        // 14 days earlier: 2026-10-27 10:00 EDT.
        #expect(Lookback.start(of: Lookback.surveyAnswer, endingAt: now, on: newYork) == RFC3339.parse("2026-10-27T14:00:00Z")!)
        let start = RFC3339.parse("2026-10-15T14:00:00Z")!  // 10:00 EDT
        #expect(Lookback.end(of: Lookback.diffConfig, startingAt: start, on: newYork) == RFC3339.parse("2026-11-14T15:00:00Z")!)
    }
}
