import Testing
@testable import TicklerCore

@Suite struct ExplanationTests {
    @Test func explainsTheCountWithEverySkippedDayAndWhy() throws {
        let evaluator = Evaluator(policies: [Fixtures.cadence], staff: Fixtures.staff)
        let c = Fixtures.smith()
        let e = evaluator.evaluate(c, ledger: LedgerState(), now: t("2026-09-22T16:00:00Z"))
        let fire = try #require(e.fires.first)
        let subject = try #require(Fixtures.cadence.clock.subjects(of: c).first)
        let x = Explanation(fire: fire, policy: Fixtures.cadence, subject: subject)
        #expect(x.due == t("2026-09-21T16:00:00Z"))
        #expect(x.countedOn == "firm")
        // Tue Sep 1 + 13 business days: two weekends before Labor Day, Labor Day, two weekends after.
        #expect(x.skipped.map(\.description) == [
            "2026-09-05 Saturday", "2026-09-06 Sunday", "2026-09-07 holiday: Labor Day", "2026-09-12 Saturday",
            "2026-09-13 Sunday", "2026-09-19 Saturday", "2026-09-20 Sunday",
        ])
        #expect(x.text == "Stage 2 of client-update-cadence (escalate), clock since: client_update on case:c1: "
            + "anchor 2026-09-01T09:00:00-07:00, case opened (no status update yet). Due after: 13 business days on "
            + "calendar firm: 2026-09-21T09:00:00-07:00. Skipped 7 non-business days: 2026-09-05 (Saturday), "
            + "2026-09-06 (Sunday), 2026-09-07 (holiday: Labor Day), 2026-09-12 (Saturday), 2026-09-13 (Sunday), "
            + "2026-09-19 (Saturday), 2026-09-20 (Sunday). Fired at 2026-09-22T09:00:00-07:00 (after it came due).")
        #expect(!x.text.contains("Ann Smith") && !x.text.contains("Smith v. Jones"))
    }

    @Test func explainsARepeatAndADeferredDelivery() throws {
        let evaluator = Evaluator(policies: [Fixtures.cadence], staff: Fixtures.staff)
        let c = Fixtures.smith()
        var ledger = LedgerState()
        let fires = Simulator(evaluator: evaluator).run(c, from: t("2026-09-25T00:00:00Z"), to: t("2026-10-02T00:00:00Z"),
                                                        ledger: &ledger)
        let repeat1 = try #require(fires.first { $0.key.step == StepIndex(stage: 3, repeat: 1) })
        let x = Explanation(fire: repeat1, policy: Fixtures.cadence, subject: Fixtures.cadence.clock.subjects(of: c)[0])
        #expect(x.repeatEvery == Period(2, .businessDays))
        #expect(x.due == t("2026-09-29T16:00:00Z"))
        #expect(x.text.contains("repeat 1 every 2 business days: 2026-09-29T09:00:00-07:00."))
    }
}

extension SkippedDay: CustomStringConvertible {
    public var description: String { "\(date) \(reason)" }
}
