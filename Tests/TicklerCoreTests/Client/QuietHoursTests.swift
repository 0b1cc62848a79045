import Testing
@testable import TicklerCore

@Suite struct QuietHoursTests {
    static let chicago = ZoneRules(identifier: "America/Chicago")!
    static let tokyo = ZoneRules(identifier: "Asia/Tokyo")!
    static let berlin = ZoneRules(identifier: "Europe/Berlin")!
    static let hours = QuietHours(holidays: HolidaySet(ruleSets: [.usFederal]))
    static let everyDay = Set(Weekday.allCases)

    @Test(arguments: [
        // Tuesday 07:00 CST: held to 08:00 the same morning.
        ("2026-12-01T13:00:00Z", "2026-12-01T14:00:00Z"),
        // Monday 20:30 CST: the next morning.
        ("2026-12-01T02:30:00Z", "2026-12-01T14:00:00Z"),
        // Friday 20:00 CST exactly (the window is [08:00, 20:00)): Monday 08:00.
        ("2026-12-05T02:00:00Z", "2026-12-07T14:00:00Z"),
        // Thanksgiving (a firm holiday), 09:00 CST: Friday 08:00.
        ("2026-11-26T15:00:00Z", "2026-11-27T14:00:00Z"),
        // Opening and the last second of the window are allowed.
        ("2026-12-01T14:00:00Z", "2026-12-01T14:00:00Z"),
        ("2026-12-02T01:59:59Z", "2026-12-02T01:59:59Z"),
    ])
    func chicagoContactsHearFromTheFirmOnlyInTheirOwnDaytime(at: String, expected: String) {
        #expect(Self.hours.nextAllowed(atOrAfter: t(at), in: Self.chicago) == t(expected))
    }

    @Test func holidaysAreTheContactsLocalDates() {
        // 2026-12-25 08:30 in Tokyo (still the 24th in the US): Christmas, then the weekend, then Monday 08:00 JST.
        #expect(Self.hours.nextAllowed(atOrAfter: t("2026-12-24T23:30:00Z"), in: Self.tokyo) == t("2026-12-27T23:00:00Z"))
        #expect(Self.hours.reason(at: t("2026-12-24T23:30:00Z"), in: Self.tokyo) == "holiday: Christmas Day")
    }

    @Test func anOpeningInsideASpringForwardGapMovesForwardByTheGap() {
        // Berlin skips 02:00-03:00 on 2027-03-28: a window opening at 02:30 opens at 03:30 CEST (01:30Z).
        let h = QuietHours(open: TimeOfDay(hour: 2, minute: 30), close: TimeOfDay(hour: 20, minute: 0), days: Self.everyDay)
        #expect(h.nextAllowed(atOrAfter: t("2027-03-28T00:00:00Z"), in: Self.berlin) == t("2027-03-28T01:30:00Z"))
    }

    @Test func theRepeatedHourOfAFallBackIsStillBeforeTheOpening() {
        // New York, 2026-11-01 01:30 EDT (the first 01:30): the window opens at 08:00 EST, 13:00Z.
        let h = QuietHours(days: Self.everyDay)
        #expect(h.nextAllowed(atOrAfter: t("2026-11-01T05:30:00Z"), in: Calendars.ny) == t("2026-11-01T13:00:00Z"))
        #expect(h.nextAllowed(atOrAfter: t("2026-11-01T06:30:00Z"), in: Calendars.ny) == t("2026-11-01T13:00:00Z"))
    }

    @Test func reasonsNameWhyTheTimeIsQuiet() {
        #expect(Self.hours.reason(at: t("2026-12-05T18:00:00Z"), in: Self.chicago) == "Saturday")
        #expect(Self.hours.reason(at: t("2026-12-01T13:00:00Z"), in: Self.chicago) == "outside 08:00-20:00")
        #expect(Self.hours.reason(at: t("2026-12-01T15:00:00Z"), in: Self.chicago) == nil)
    }

    @Test func noAllowedDayMeansNever() {
        let h = QuietHours(days: [])
        #expect(h.nextAllowed(atOrAfter: t("2026-12-01T15:00:00Z"), in: Self.chicago) == .distantFuture)
    }

    /// Over random instants, zones and windows: the answer is allowed, not before the question, and nothing
    /// allowed comes between them (checked each quarter hour and at the second before).
    @Test func theNextAllowedInstantIsTheFirstOne() {
        var rng = SplitMix64(seed: 12)
        let zones = ["America/Chicago", "America/New_York", "Europe/Berlin", "Australia/Adelaide", "Asia/Kolkata",
                     "America/Santiago", "Pacific/Auckland"].map { ZoneRules(identifier: $0)! }
        let holidays = HolidaySet(ruleSets: [.usFederal])
        for _ in 0..<2_000 {
            let zone = zones.randomElement(using: &rng)!
            let open = Int.random(in: 0..<(23 * 60), using: &rng)
            let close = Int.random(in: (open + 1)...(24 * 60 - 1), using: &rng)
            var days = Set<Weekday>()
            for d in Weekday.allCases where Bool.random(using: &rng) { days.insert(d) }
            if days.isEmpty { days = [.wednesday] }
            let h = QuietHours(open: TimeOfDay(minuteOfDay: open), close: TimeOfDay(minuteOfDay: close), days: days,
                               holidays: holidays)
            let from = Instant(seconds: t("2026-01-01T00:00:00Z").seconds + Int64.random(in: 0..<(730 * 86_400), using: &rng))
            let next = h.nextAllowed(atOrAfter: from, in: zone)
            #expect(next >= from)
            #expect(h.allows(next, in: zone))
            let local = zone.localDate(next)
            #expect(days.contains(local.weekday) && holidays.holiday(on: local) == nil)
            #expect(next == from || !h.allows(next.adding(seconds: -1), in: zone))
            var probe = from
            while probe < next {
                #expect(!h.allows(probe, in: zone), "allowed at \(probe) before \(next) in \(zone.identifier)")
                probe = probe.adding(seconds: 900)
            }
        }
    }
}
