import Foundation
import Testing
import TicklerConfig
import TicklerCore

/// Properties of every shipped court's count, over random triggers (2026–2035), periods and services.
struct CourtCountPropertyTests {
    static let courts: [(Court, CourtDays)] = CourtCountTests.library.courtIDs.compactMap { try? CourtCountTests.library.court($0) }
        .map { ($0, $0.days()) }

    /// Whether the court is open on `d` by every reading: no weekend, no settled holiday that applies in this
    /// direction, no closure.
    static func surelyClosed(_ days: CourtDays, _ d: LocalDate, forward: Bool) -> Bool {
        if d.weekday == .saturday || d.weekday == .sunday { return true }
        if days.closures[d] != nil { return true }
        return days.holidays(on: d).contains { $0.doubt == nil && (forward || !$0.forwardOnly) }
    }

    @Test func aDueDateIsNeverAWeekendAHolidayOrAClosureOfItsCourt() throws {
        #expect(Self.courts.count >= 14)
        var rng = SplitMix64(seed: 0x7c0_2026)
        let services: [TriggerEvent.ServiceMethod?] = [nil] + TriggerEvent.ServiceMethod.allCases
        for _ in 0..<3_000 {
            let (court, days) = Self.courts.randomElement(using: &rng)!
            let start = LocalDate(year: 2026, month: 1, day: 1).adding(days: Int.random(in: 0..<3_650, using: &rng))
            let unit: CourtPeriod.Unit = Bool.random(using: &rng) ? .days : .courtDays
            let period = CourtPeriod(amount: Int.random(in: 1...60, using: &rng), unit: unit, backward: Bool.random(using: &rng))
            let service = services.randomElement(using: &rng)!
            let d = CourtCount.compute(trigger: court.zone.instant(date: start, secondOfDay: 36_000), period: period, method: court.method,
                                       days: days, service: service)
            #expect(!Self.surelyClosed(days, d.lastDay, forward: !period.backward),
                    "\(court.id) \(start.iso8601) \(period) \(service?.rawValue ?? "-"): \(d.lastDay.iso8601)\n\(d.text)")
            #expect(d.due == court.zone.instant(date: d.lastDay, secondOfDay: 86_399))
            if let a = d.alternative { #expect(a.due > d.due, "the alternative is the later reading") }
            // The direction of the count is kept.
            #expect(period.backward ? d.lastDay < start : d.lastDay > start)
        }
    }

    /// Counting a period back from a day the court is open (a hearing) and then the same period forward
    /// again returns no later than that day. (Not for court days in federal court: a state holiday is
    /// skipped forward and counted backward — 6(a)(6)(C) — so such a count is not its own inverse.)
    @Test func countingBackFromAnOpenDayAndForwardAgainReturnsNoLaterThanIt() throws {
        var rng = SplitMix64(seed: 0x5eed_0027)
        var checked = 0
        while checked < 2_000 {
            let (court, days) = Self.courts.randomElement(using: &rng)!
            let hearing = LocalDate(year: 2026, month: 1, day: 1).adding(days: Int.random(in: 0..<3_650, using: &rng))
            guard !Self.surelyClosed(days, hearing, forward: true), days.holidays(on: hearing).isEmpty else { continue }
            let unit: CourtPeriod.Unit = Bool.random(using: &rng) || court.method.isFederal ? .days : .courtDays
            let n = Int.random(in: 1...45, using: &rng)
            let back = CourtCount.compute(trigger: court.zone.instant(date: hearing, secondOfDay: 36_000),
                                          period: CourtPeriod(amount: n, unit: unit, backward: true), method: court.method, days: days)
            let again = CourtCount.compute(trigger: court.zone.instant(date: back.lastDay, secondOfDay: 36_000),
                                           period: CourtPeriod(amount: n, unit: unit), method: court.method, days: days)
            #expect(again.lastDay <= hearing, "\(court.id) \(hearing.iso8601) \(n) \(unit.rawValue): back \(back.lastDay.iso8601), forward \(again.lastDay.iso8601)")
            checked += 1
        }
    }
}
