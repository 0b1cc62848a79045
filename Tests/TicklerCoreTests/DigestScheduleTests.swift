import Testing
import TicklerCore

@Suite struct DigestScheduleTests {
    let la = ZoneRules(identifier: "America/Los_Angeles")!
    var settings: DigestSettings {
        DigestSettings(at: TimeOfDay(hour: 8, minute: 0),
                       calendar: BusinessCalendar(name: "firm", zone: la, holidays: HolidaySet(ruleSets: [.usFederal])), via: "email")
    }

    func at(_ text: String) -> Instant { RFC3339.parse(text)! }

    @Test func dueFromEightUntilTheDayEndsOnBusinessDaysOnly() {
        #expect(DigestSchedule.dueDay(settings, now: at("2026-11-25T15:59:59Z")) == nil)  // 07:59:59 PST
        #expect(DigestSchedule.dueDay(settings, now: at("2026-11-25T16:00:00Z")) == LocalDate(year: 2026, month: 11, day: 25))
        #expect(DigestSchedule.dueDay(settings, now: at("2026-11-26T07:59:59Z")) == LocalDate(year: 2026, month: 11, day: 25))
        #expect(DigestSchedule.dueDay(settings, now: at("2026-11-26T18:00:00Z")) == nil)  // Thanksgiving
        #expect(DigestSchedule.dueDay(settings, now: at("2026-11-28T18:00:00Z")) == nil)  // Saturday
        #expect(DigestSchedule.dueDay(settings, now: at("2026-11-27T16:00:00Z")) == LocalDate(year: 2026, month: 11, day: 27))
    }

    @Test func nextSkipsTheHolidayAndTheWeekendAndFollowsDST() {
        #expect(DigestSchedule.next(after: at("2026-11-25T16:00:00Z"), settings) == at("2026-11-27T16:00:00Z"))
        #expect(DigestSchedule.next(after: at("2026-11-27T16:00:00Z"), settings) == at("2026-11-30T16:00:00Z"))
        // Across the March change 08:00 stays 08:00: PST (UTC-8) on Friday, PDT (UTC-7) on Monday.
        #expect(DigestSchedule.next(after: at("2027-03-12T16:00:00Z"), settings) == at("2027-03-15T15:00:00Z"))
        #expect(DigestSchedule.next(after: at("2026-11-25T10:00:00Z"), settings) == at("2026-11-25T16:00:00Z"))
    }

    @Test func idsAreStablePerPersonAndDay() {
        let d = LocalDate(year: 2026, month: 11, day: 25)
        #expect(DigestSchedule.id(person: "p1", day: d) == DigestSchedule.id(person: "p1", day: d))
        #expect(DigestSchedule.id(person: "p1", day: d) != DigestSchedule.id(person: "p2", day: d))
        #expect(DigestSchedule.id(person: "p1", day: d).count == 32)
    }
}
