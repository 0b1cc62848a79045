import Testing
@testable import TicklerCore

@Suite struct StageTransitionTests {
    static func change(_ from: String?, _ to: String, _ at: String) -> StageChange { StageChange(from: from, to: to, at: t(at)) }

    @Test func aSingleChangeIsATransition() {
        let c = [Self.change("intake", "discovery", "2026-12-01T18:00:00Z")]
        #expect(StageTransition.settled(c, settleSeconds: 600)
            == StageTransition(from: "intake", to: "discovery", at: t("2026-12-01T18:00:00Z")))
    }

    @Test func aStageChangedBackWithinTheWindowIsNoChange() {
        let c = [Self.change("intake", "discovery", "2026-12-01T18:00:00Z"),
                 Self.change("discovery", "intake", "2026-12-01T18:03:00Z")]
        #expect(StageTransition.settled(c, settleSeconds: 600) == nil)
    }

    @Test func twoQuickChangesAreAnnouncedOnceAtTheFinalStage() {
        let c = [Self.change("discovery", "mediation", "2026-12-01T18:05:00Z"),
                 Self.change("intake", "discovery", "2026-12-01T18:00:00Z")]
        #expect(StageTransition.settled(c, settleSeconds: 600)
            == StageTransition(from: "intake", to: "mediation", at: t("2026-12-01T18:05:00Z")))
    }

    @Test func changesAWindowApartAreSeparate() {
        // Exactly 600 s apart: not within the window, so the last change stands alone.
        let c = [Self.change("intake", "discovery", "2026-12-01T18:00:00Z"),
                 Self.change("discovery", "intake", "2026-12-01T18:10:00Z")]
        #expect(StageTransition.settled(c, settleSeconds: 600)
            == StageTransition(from: "discovery", to: "intake", at: t("2026-12-01T18:10:00Z")))
    }

    @Test func aFirstStageIsNotNews() {
        #expect(StageTransition.settled([Self.change(nil, "intake", "2026-12-01T18:00:00Z")], settleSeconds: 600) == nil)
        #expect(StageTransition.settled([], settleSeconds: 600) == nil)
    }

    @Test func theStageClockYieldsTheSettledTransitionAsTheCasesSubject() {
        var c = CaseSnapshot(id: "c1", number: "N", openedAt: t("2026-11-01T18:00:00Z"), stage: "discovery",
                             stageChanges: [Self.change("intake", "discovery", "2026-12-01T18:00:00Z")])
        let clock = PolicyClock.sinceStageChange(settleSeconds: 600)
        #expect(clock.subjects(of: c) == [Subject(ref: SubjectRef(.case, "c1"), anchor: t("2026-12-01T18:00:00Z"),
                                                  anchorSource: .stageChanged(from: "intake", to: "discovery"))])
        c.stageChanges.append(Self.change("discovery", "intake", "2026-12-01T18:04:00Z"))
        #expect(clock.subjects(of: c).isEmpty)
    }

    @Test func aStageChangePolicyFiresOnceForTheClientsContacts() {
        let firm = Calendars.firm
        let policy = Policy(id: "stage-update", clock: .sinceStageChange(settleSeconds: 600), calendar: firm,
                            stages: [Stage(number: 1, offset: Period(0, .minutes), counting: firm, notify: [.client],
                                           deliver: .immediately)], clientFacing: true)
        let c = CaseSnapshot(
            id: "c1", number: "N", openedAt: t("2026-11-01T18:00:00Z"),
            contacts: [Contact(id: "k1", name: "Ann Smith", email: "ann@example.test"),
                       Contact(id: "k2", name: "Bo Smith", phone: "+14155550100", updatesEnabled: false),
                       Contact(id: "k3", name: "Cy Smith", phone: "+14155550101", preferred: .sms)],
            stage: "discovery", stageChanges: [Self.change("intake", "discovery", "2026-12-01T18:00:00Z")])
        let e = Evaluator(policies: [policy], staff: Fixtures.staff).evaluate(c, ledger: LedgerState(), now: t("2026-12-01T18:00:30Z"))
        #expect(e.fires.map(\.recipients) == [["contact:k1", "contact:k3"]])
        #expect(e.fires.first?.key.cycle.anchor == t("2026-12-01T18:00:00Z"))
    }
}
