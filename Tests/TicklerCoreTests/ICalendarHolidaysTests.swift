import Testing
@testable import TicklerCore

@Suite struct ICalendarHolidaysTests {
    static func calendar(_ start: String, end: String? = nil) -> String {
        "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nDTSTART;VALUE=DATE:\(start)\r\n" + (end.map { "DTEND;VALUE=DATE:\($0)\r\n" } ?? "")
            + "SUMMARY:Closed\\, all day\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
    }

    @Test func allDayEventsAreHolidaysAndDTENDIsExclusive() throws {
        let days = try ICalendarHolidays.parse(Self.calendar("20261224", end: "20261227")).get()
        #expect(days.map(\.0) == [LocalDate(year: 2026, month: 12, day: 24), LocalDate(year: 2026, month: 12, day: 25),
                                  LocalDate(year: 2026, month: 12, day: 26)])
        #expect(days.first?.1.name == "Closed, all day")
    }

    /// Found by fuzzing: `Int` reads a sign, so `-0260331` was the year -26.
    @Test(arguments: ["-0260331", "+0260331", "00000101", "2026-7-4", "２０２６０７０４", "20260230"])
    func aDateThatIsNotEightDigitsOfARealDayIsRefusedOnItsLine(_ value: String) {
        guard case .failure(let problem) = ICalendarHolidays.parse(Self.calendar(value)) else {
            Issue.record("'\(value)' was read as a date")
            return
        }
        #expect(problem == .init(line: 3, message: "DTSTART must be an all-day date (YYYYMMDD), got '\(value)'"))
    }
}
