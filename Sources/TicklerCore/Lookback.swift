/// The spans the programs look back or ahead over, in one place, counted on a calendar: days are calendar
/// days in its zone (across a change of offset a day is 23 or 25 hours), never a count of 86,400 seconds.
public enum Lookback {
    /// A number texted back is a survey's answer within this long of the survey.
    public static let surveyAnswer = Period(14, .days)
    /// "Refused in the last day", as `tickler status` and the daemon's STATUS line count it.
    public static let recentFailures = Period(1, .days)
    /// `tickler diff-config`'s window when `--to` is not given.
    public static let diffConfig = Period(30, .days)

    /// When a span of `period` ending at `now` began, on `calendar`.
    public static func start(of period: Period, endingAt now: Instant, on calendar: BusinessCalendar) -> Instant {
        calendar.shift(now, by: period, sign: -1)
    }

    /// When a span of `period` starting at `start` ends, on `calendar`.
    public static func end(of period: Period, startingAt start: Instant, on calendar: BusinessCalendar) -> Instant {
        calendar.shift(start, by: period)
    }
}
