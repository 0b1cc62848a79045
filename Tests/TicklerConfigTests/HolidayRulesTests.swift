import Foundation
import Testing
import TicklerConfig
import TicklerCore

/// The holiday files shipped in config/courts/holidays, read as data and checked against the courts'
/// published lists of 2026 (and earlier years where an observed day matters), and the federal file
/// against the rules built into Tickler for every year.
struct HolidayRulesTests {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("config/courts/holidays").path

    static func load(_ name: String) throws -> HolidayRules { try HolidayRulesLoader.load(path: directory + "/" + name + ".yaml") }

    static func days(_ rules: HolidayRules, _ year: Int) -> [String] {
        rules.holidays(in: year).map { $0.0.iso8601 + ($0.1.observed ? " observed" : "") }
    }

    /// The Judicial Council's 2026 court holidays (appellate.courts.ca.gov, "Court Holidays, 2026 Holiday
    /// Schedule"; the same list on the superior courts' sites, e.g. sutter.courts.ca.gov): Independence Day
    /// on a Saturday is observed on Friday, July 3; no Columbus Day.
    @Test func californiasJudicialHolidaysOf2026AreTheCourtsPublishedList() throws {
        let ca = try Self.load("ca-judicial")
        #expect(Self.days(ca, 2026) == [
            "2026-01-01", "2026-01-19", "2026-02-12", "2026-02-16", "2026-03-31", "2026-05-25", "2026-06-19", "2026-07-03 observed",
            "2026-07-04", "2026-09-07", "2026-09-25", "2026-11-11", "2026-11-26", "2026-11-27", "2026-12-25",
        ])
        // 2024: Cesar Chavez Day on a Sunday, observed Monday, April 1 (sutter.courts.ca.gov, 2024 Judicial Holidays).
        #expect(Self.days(ca, 2024).contains("2024-04-01 observed"))
        #expect(!Self.days(ca, 2026).contains("2026-10-12"), "Columbus Day is no judicial holiday in California")
    }

    /// New York's public holidays of 2026 under Gen. Constr. Law § 24 (the Unified Court System lists the
    /// same days, nycourts.gov "Court Terms & Holidays"): Lincoln's Birthday and Election Day (November 3)
    /// included; Independence Day on a Saturday stays on the Saturday.
    @Test func newYorksPublicHolidaysOf2026() throws {
        let ny = try Self.load("ny-public")
        #expect(Self.days(ny, 2026) == [
            "2026-01-01", "2026-01-19", "2026-02-12", "2026-02-16", "2026-05-25", "2026-06-19", "2026-07-04", "2026-09-07", "2026-10-12",
            "2026-11-03", "2026-11-11", "2026-11-26", "2026-12-25",
        ])
        // 2024 as the Unified Court System published it.
        #expect(Self.days(ny, 2024) == [
            "2024-01-01", "2024-01-15", "2024-02-12", "2024-02-19", "2024-05-27", "2024-06-19", "2024-07-04", "2024-09-02", "2024-10-14",
            "2024-11-05", "2024-11-11", "2024-11-28", "2024-12-25",
        ])
        // A Sunday holiday moves to the Monday (Christmas 2022), a Saturday one does not (New Year's Day 2022).
        #expect(Self.days(ny, 2022).contains("2022-12-26 observed") && !Self.days(ny, 2021).contains("2021-12-31 observed"))
    }

    /// OPM's federal holidays of 2026: Independence Day observed on Friday, July 3.
    @Test func theFederalHolidaysOf2026AndEveryYearAgreeWithTheBuiltInRules() throws {
        let us = try Self.load("us-federal")
        #expect(Self.days(us, 2026) == [
            "2026-01-01", "2026-01-19", "2026-02-16", "2026-05-25", "2026-06-19", "2026-07-03 observed", "2026-07-04", "2026-09-07",
            "2026-10-12", "2026-11-11", "2026-11-26", "2026-12-25",
        ])
        for year in 1980...2100 {
            let built = HolidayRuleSet.usFederal.holidays(in: year).map { $0.0.iso8601 + ($0.1.observed ? " observed" : "") }.sorted()
            #expect(Self.days(us, year).sorted() == built, "\(year)")
        }
        // A Saturday January 1 is observed on the December 31 before (2022 → 2021-12-31).
        #expect(Self.days(us, 2021).last == "2021-12-31 observed")
    }

    @Test func everyMistakeInAHolidayFileIsLocated() {
        let text = """
            name: bad
            observed: sometimes
            holidays:
              - { name: A, date: 02-30 }
              - { name: B, nth: "5th monday of june" }
              - { name: C, after: "4 thursday november" }
              - { name: D, date: 01-01, nth: "1 monday may" }
              - { name: E, date: 07-04, years: leap }
            """
        do {
            _ = try HolidayRulesLoader.parse(text, path: "bad.yaml")
            Issue.record("a bad file was read")
        } catch {
            #expect(error.diagnostics.map(\.description) == [
                "bad.yaml:2:11: error: observed 'sometimes' must be one of none, sunday-to-monday, saturday-to-friday-sunday-to-monday",
                "bad.yaml:4:22: error: date '02-30' must be MM-DD (02-12)",
                "bad.yaml:5:21: error: nth '5th monday of june' must be N WEEKDAY MONTH (3 monday january, last monday may)",
                "bad.yaml:6:5: error: holiday 'C' with after: needs days:",
                "bad.yaml:7:5: error: holiday 'D' needs exactly one of date, nth, after, election_day or on",
                "bad.yaml:8:36: error: years must be every, even or odd",
            ])
        }
    }
}
