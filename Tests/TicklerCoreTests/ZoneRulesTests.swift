import Testing
@testable import TicklerCore

@Suite struct ZoneRulesTests {
    let ny = ZoneRules(identifier: "America/New_York")!
    let london = ZoneRules(identifier: "Europe/London")!

    @Test func rejectsUnknownZones() {
        #expect(ZoneRules(identifier: "America/Nowhere") == nil)
        #expect(ZoneRules(identifier: "") == nil)
        #expect(ZoneRules(identifier: "PST") == nil)
        #expect(ZoneRules(identifier: "EST5EDT/") == nil)
    }

    @Test func acceptsIANANamesFoundationsListLacks() {
        let kolkata = ZoneRules(identifier: "Asia/Kolkata")
        #expect(kolkata?.offset(at: RFC3339.parse("2026-07-01T00:00:00Z")!) == 19_800)
    }

    @Test func offsetsAcrossNewYorkTransitions2026() {
        // DST 2026: starts Sun 8 Mar 07:00Z, ends Sun 1 Nov 06:00Z.
        #expect(ny.offset(at: RFC3339.parse("2026-03-08T06:59:59Z")!) == -5 * 3600)
        #expect(ny.offset(at: RFC3339.parse("2026-03-08T07:00:00Z")!) == -4 * 3600)
        #expect(ny.offset(at: RFC3339.parse("2026-11-01T05:59:59Z")!) == -4 * 3600)
        #expect(ny.offset(at: RFC3339.parse("2026-11-01T06:00:00Z")!) == -5 * 3600)
    }

    @Test func offsetsAcrossLondonTransitions2026() {
        // BST 2026: 29 Mar 01:00Z to 25 Oct 01:00Z.
        #expect(london.offset(at: RFC3339.parse("2026-03-29T00:59:59Z")!) == 0)
        #expect(london.offset(at: RFC3339.parse("2026-03-29T01:00:00Z")!) == 3600)
        #expect(london.offset(at: RFC3339.parse("2026-10-25T00:59:59Z")!) == 3600)
        #expect(london.offset(at: RFC3339.parse("2026-10-25T01:00:00Z")!) == 0)
    }

    @Test func wallTimeInSpringGapMovesForwardByTheGap() {
        let date = LocalDate(year: 2026, month: 3, day: 8)
        #expect(ny.instant(date: date, secondOfDay: 2 * 3600 + 1800).rfc3339 == "2026-03-08T07:30:00Z")  // 03:30 EDT
    }

    @Test func wallTimeInAutumnOverlapTakesFirstOccurrence() {
        let date = LocalDate(year: 2026, month: 11, day: 1)
        #expect(ny.instant(date: date, secondOfDay: 1 * 3600 + 1800).rfc3339 == "2026-11-01T05:30:00Z")  // 01:30 EDT
    }

    @Test func formatsWithLocalOffset() {
        #expect(ny.format(RFC3339.parse("2026-07-01T14:00:00Z")!) == "2026-07-01T10:00:00-04:00")
    }
}
