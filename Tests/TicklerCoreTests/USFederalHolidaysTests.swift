import Testing
@testable import TicklerCore

@Suite struct USFederalHolidaysTests {
    func dates(_ year: Int) -> [String] {
        HolidayRuleSet.usFederal.holidays(in: year).map(\.0).sorted().map(\.iso8601)
    }

    @Test func holidaysOf2026IncludeObservedFridayForSaturdayIndependenceDay() {
        #expect(dates(2026) == [
            "2026-01-01", "2026-01-19", "2026-02-16", "2026-05-25", "2026-06-19", "2026-07-03", "2026-07-04",
            "2026-09-07", "2026-10-12", "2026-11-11", "2026-11-26", "2026-12-25",
        ])
    }

    @Test func holidaysOf2027ObserveJuneteenthFridayJulyMondayChristmasFridayAndNewYear2028OnDecember31() {
        #expect(dates(2027) == [
            "2027-01-01", "2027-01-18", "2027-02-15", "2027-05-31", "2027-06-18", "2027-06-19", "2027-07-04",
            "2027-07-05", "2027-09-06", "2027-10-11", "2027-11-11", "2027-11-25", "2027-12-24", "2027-12-25",
            "2027-12-31",
        ])
    }

    @Test func newYearOnSaturdayIsObservedInThePreviousYearOnly() {
        // 2022-01-01 was a Saturday: observed Friday 2021-12-31; nothing moves into 2022.
        #expect(dates(2021).contains("2021-12-31"))
        #expect(!dates(2022).contains("2021-12-31"))
        let set = HolidaySet(ruleSets: [.usFederal])
        #expect(set.holiday(on: d("2021-12-31"))?.name == "New Year's Day (observed)")
        #expect(set.holiday(on: d("2021-12-31"))?.observed == true)
    }

    @Test func juneteenthStartsIn2021() {
        #expect(!dates(2020).contains("2020-06-19"))
        #expect(dates(2021).contains("2021-06-18"))  // Saturday 19th observed Friday
    }

    @Test func computedForAnyYearOutsideTheTable() {
        let set = HolidaySet(ruleSets: [.usFederal])
        // 2301-12-25 is a Tuesday; 2300-07-04 is a Thursday.
        #expect(set.holiday(on: d("2301-12-25"))?.name == "Christmas Day")
        #expect(set.holiday(on: d("2300-07-04"))?.name == "Independence Day")
        #expect(set.holiday(on: d("2300-07-05")) == nil)
    }

    @Test func explicitDatesWinAndNameTheDay() {
        let set = HolidaySet(ruleSets: [.usFederal], explicit: [d("2026-12-24"): Holiday(name: "Christmas Eve")])
        #expect(set.holiday(on: d("2026-12-24"))?.name == "Christmas Eve")
        #expect(set.holiday(on: d("2026-12-25"))?.name == "Christmas Day")
    }
}
