import Testing
import TicklerCore

@Suite struct DeadlineRuleTests {
    let rules = DeadlineRuleSet([DeadlineRule(id: "answer", onEvent: "served", period: CourtPeriod(amount: 21, unit: .days),
                                              calendar: Fixtures.court, title: "Answer", kind: .court, addDaysForMail: 3)])

    func served(_ at: String, mail: Bool = false) -> CaseSnapshot {
        var c = Fixtures.smith()
        c.events = [TriggerEvent(id: "e1", kind: "served", occurredAt: t(at), serviceMethod: mail ? .mail : .personal)]
        return c
    }

    @Test func eventsBecomeDeadlinesNamedByRuleAndEvent() {
        let c = rules.apply(to: served("2026-11-02T18:00:00Z"))
        // Los Angeles court: Mon Nov 2 + 21 days = Mon Nov 23, ending 23:59:59 PST.
        #expect(c.deadlines == [Deadline(id: "answer:e1", title: "Answer", kind: .court, dueAt: t("2026-11-24T07:59:59Z"))])
        #expect(rules.apply(to: served("2026-11-02T18:00:00Z", mail: true)).deadlines.first?.dueAt == t("2026-11-28T07:59:59Z"))
        var other = served("2026-11-02T18:00:00Z")
        other.events[0].kind = "hearing"
        #expect(rules.apply(to: other).deadlines.isEmpty)
        // A stored deadline with the same id wins: that is how a computed deadline is marked done.
        var done = served("2026-11-02T18:00:00Z")
        done.deadlines = [Deadline(id: "answer:e1", kind: .court, dueAt: t("2026-11-24T07:59:59Z"), completedAt: t("2026-11-20T18:00:00Z"))]
        #expect(rules.apply(to: done).deadlines == done.deadlines)
    }

    @Test func whenTheEventMovesItsDeadlineMovesAndTheOldCycleEnds() {
        let evaluator = Evaluator(policies: [Fixtures.deadlines], staff: Fixtures.staff)
        var ledger = LedgerState()
        let before = rules.apply(to: served("2026-11-02T18:00:00Z"))
        // The 14-days-before stage of the Nov 23 answer fired on Nov 9.
        let first = evaluator.evaluate(before, ledger: ledger, now: t("2026-11-09T18:00:00Z"))
        #expect(first.fires.map(\.subject.description) == ["deadline:answer:e1"])
        for f in first.fires { ledger.record(f.key.cycle, f.key.step) }
        // The service date is corrected to Nov 9: the answer is due Mon Nov 30; the old cycle's later stages
        // never fire, the new cycle starts from its own first stage.
        let after = rules.apply(to: served("2026-11-09T18:00:00Z"))
        let oldCycles = evaluator.cycles(of: after, ledger: ledger, now: t("2026-11-16T18:00:00Z")).map(\.schedule.key)
        #expect(oldCycles.map(\.anchor) == [t("2026-12-01T07:59:59Z")])
        let moved = evaluator.evaluate(after, ledger: ledger, now: t("2026-11-16T18:00:00Z"))
        #expect(moved.fires.map(\.key.step.stage) == [1])
        #expect(moved.fires.first?.key.cycle.anchor == t("2026-12-01T07:59:59Z"))
    }

    @Test func impactListsMovesAheadOfNowOnly() {
        let closed = BusinessCalendar(name: "court", zone: Calendars.la, holidays: HolidaySet(
            ruleSets: [.usFederal], explicit: [LocalDate(year: 2026, month: 11, day: 23): Holiday(name: "Court closed")]))
        var changed = rules.rules
        changed[0].calendar = closed
        let cases = [served("2026-11-02T18:00:00Z")]
        let moves = DeadlineImpact.moves(cases: cases, old: rules, new: DeadlineRuleSet(changed), now: t("2026-11-10T00:00:00Z"))
        #expect(moves == [DeadlineMove(caseID: "c1", caseNumber: "2026-0142", deadlineID: "answer:e1",
                                       from: t("2026-11-24T07:59:59Z"), to: t("2026-11-25T07:59:59Z"))])
        #expect(moves.first?.direction == "later")
        #expect(DeadlineImpact.moves(cases: cases, old: rules, new: DeadlineRuleSet(changed), now: t("2026-12-01T00:00:00Z")).isEmpty)
        let removed = DeadlineImpact.moves(cases: cases, old: rules, new: DeadlineRuleSet([]), now: t("2026-11-10T00:00:00Z"))
        #expect(removed.map(\.direction) == ["removed"])
    }
}
