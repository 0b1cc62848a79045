import Testing
@testable import TicklerCore

/// The policies of the design document, built directly on the firm calendar.
enum Fixtures {
    static let firm = Calendars.firm
    static let court = BusinessCalendar(name: "court", zone: Calendars.la, holidays: HolidaySet(ruleSets: [.usFederal]))

    static let cadence = Policy(
        id: "client-update-cadence", appliesTo: CaseFilter(statuses: [.open, .pending]), clock: .sinceClientUpdate,
        calendar: firm,
        stages: [
            Stage(number: 1, offset: .businessDays(10), counting: firm, action: .remind, notify: [.assignee], via: ["email"]),
            Stage(number: 2, offset: .businessDays(13), counting: firm, action: .escalate, notify: [.attorney], via: ["email"]),
            Stage(number: 3, offset: .businessDays(17), counting: firm, action: .escalate, notify: [.role("managing-partner")],
                  via: ["email", "ops-hook"], repeatRule: .init(every: .businessDays(2), max: 3, counting: firm)),
        ])

    static let deadlines = Policy(
        id: "deadline-approach", appliesTo: CaseFilter(statuses: [.open, .pending, .onHold]),
        clock: .untilDeadline(kinds: [.court, .filing, .statute]), calendar: court,
        stages: [
            Stage(number: 1, side: .before, offset: Period(14, .days), counting: court, at: TimeOfDay(hour: 9, minute: 0),
                  notify: [.assignee]),
            Stage(number: 2, side: .before, offset: Period(7, .days), counting: court, at: TimeOfDay(hour: 9, minute: 0),
                  notify: [.assignee, .attorney]),
            Stage(number: 3, side: .before, offset: Period(2, .courtDays), counting: court, at: TimeOfDay(hour: 9, minute: 0),
                  action: .escalate, notify: [.attorney, .supervisor]),
        ])

    static let appointments = Policy(
        id: "appointment-reminder", clock: .untilAppointment, calendar: firm,
        stages: [Stage(number: 1, side: .before, offset: Period(1, .days), counting: firm, notify: [.assignee], deliver: .immediately)])

    static let staff = Staff([
        Person(id: "mp1", role: "managing-partner"),
        Person(id: "a1", role: "attorney", managerID: "mp1"),
        Person(id: "p1", role: "paralegal", managerID: "a1"),
        Person(id: "p2", role: "paralegal", managerID: "a1", active: false),
    ])

    static func smith(opened: String = "2026-09-01T16:00:00Z") -> CaseSnapshot {
        CaseSnapshot(id: "c1", number: "2026-0142", title: "Smith v. Jones", clientName: "Ann Smith", status: .open,
                     assigneeID: "p1", attorneyID: "a1", openedAt: t(opened))
    }
}

@Suite struct EvaluatorTests {
    let evaluator = Evaluator(policies: [Fixtures.cadence], staff: Fixtures.staff)

    @Test func escalatesAfterThirteenBusinessDays() {
        // Opened Tue 2026-09-01 09:00 PDT. Labor Day Mon Sep 7 skipped: 10 bd → Wed Sep 16, 13 bd → Mon Sep 21.
        let at = t("2026-09-21T16:00:00Z")
        var ledger = LedgerState()
        ledger.record(CycleKey(policy: "client-update-cadence", subject: SubjectRef(.case, "c1"), anchor: t("2026-09-01T16:00:00Z")),
                      StepIndex(stage: 1))
        let e = evaluator.evaluate(Fixtures.smith(), ledger: ledger, now: at)
        #expect(e.fires.map(\.key.step) == [StepIndex(stage: 2)])
        #expect(e.fires.first?.due == t("2026-09-21T16:00:00Z"))
        #expect(e.fires.first?.recipients == ["a1"])
        #expect(e.fires.first?.action == .escalate)
        #expect(e.skipped.isEmpty)
        // Stage 3 at 17 bd: Fri Sep 25.
        #expect(e.nextWakeUp == t("2026-09-25T16:00:00Z"))
    }

    @Test func catchUpCollapseFiresOnlyTheHighestDueStage() {
        let e = evaluator.evaluate(Fixtures.smith(), ledger: LedgerState(), now: t("2026-09-22T16:00:00Z"))
        #expect(e.fires.map(\.key.step) == [StepIndex(stage: 2)])
        #expect(e.skipped.map(\.key.step) == [StepIndex(stage: 1)])
        #expect(e.skipped.first?.supersededBy == StepIndex(stage: 2))
        #expect(e.fires.first?.firedAt == t("2026-09-22T16:00:00Z"))
    }

    @Test func repeatsTheLastStageMaxTimesAfterItsFirstFire() {
        let sim = Simulator(evaluator: evaluator)
        var ledger = LedgerState()
        let fires = sim.run(Fixtures.smith(), from: t("2026-09-25T00:00:00Z"), to: t("2026-12-01T00:00:00Z"), ledger: &ledger)
        // Catch-up at `from` fires stage 2 (due Mon Sep 21); stage 3 first due Fri Sep 25, then every
        // 2 business days: Tue Sep 29, Thu Oct 1, Mon Oct 5 — four fires for max: 3.
        #expect(fires.map { "\($0.key.step.stage).\($0.key.step.repeatNumber)@\($0.due)" } == [
            "2.0@2026-09-21T16:00:00Z", "3.0@2026-09-25T16:00:00Z", "3.1@2026-09-29T16:00:00Z", "3.2@2026-10-01T16:00:00Z", "3.3@2026-10-05T16:00:00Z",
        ])
        #expect(fires.first?.firedAt == t("2026-09-25T00:00:00Z"))
        #expect(fires.last?.recipients == ["mp1"])
        #expect(fires.last?.channels == ["email", "ops-hook"])
    }

    @Test func remindersWaitForBusinessHoursEscalationsBreakThrough() {
                let c = Fixtures.smith(opened: "2026-09-05T17:00:00Z")
        var ledger = LedgerState()
        let fires = Simulator(evaluator: evaluator).run(c, from: t("2026-09-06T00:00:00Z"), to: t("2026-09-27T00:00:00Z"), ledger: &ledger)
        // From Sat Sep 5 10:00 PDT, Labor Day skipped: 10 bd → Mon Sep 21, 13 bd → Thu Sep 24, inside hours.
        #expect(fires.map(\.due) == [t("2026-09-21T17:00:00Z"), t("2026-09-24T17:00:00Z")])
        #expect(fires.map(\.deliverAt) == [t("2026-09-21T17:00:00Z"), t("2026-09-24T17:00:00Z")])
        // A due time before opening: the remind waits, the escalation does not.
        let early = Fixtures.smith(opened: "2026-09-01T13:00:00Z")  // 06:00 PDT
        var l2 = LedgerState()
        let f2 = Simulator(evaluator: evaluator).run(early, from: t("2026-09-02T00:00:00Z"), to: t("2026-09-22T00:00:00Z"), ledger: &l2)
        #expect(f2.map(\.due) == [t("2026-09-16T13:00:00Z"), t("2026-09-21T13:00:00Z")])
        #expect(f2.map(\.deliverAt) == [t("2026-09-16T16:00:00Z"), t("2026-09-21T13:00:00Z")])
    }

    @Test func aNewerStatusUpdateEndsTheCycle() {
        var c = Fixtures.smith()
        let before = evaluator.evaluate(c, ledger: LedgerState(), now: t("2026-09-17T16:00:00Z"))
        #expect(before.fires.count == 1)
        c.communications = [Communication(id: "m9", direction: .outbound, channel: .email, kind: .statusUpdate,
                                          occurredAt: t("2026-09-16T20:00:00Z"))]
        let after = evaluator.evaluate(c, ledger: LedgerState(), now: t("2026-09-17T16:00:00Z"))
        #expect(after.fires.isEmpty)
        #expect(after.nextWakeUp == t("2026-09-30T20:00:00Z"))
    }

    @Test func caseNotMatchingAppliesToHasNoCycles() {
        var c = Fixtures.smith()
        c.status = .closed
        #expect(evaluator.evaluate(c, ledger: LedgerState(), now: t("2026-12-01T00:00:00Z")) == Evaluator.Evaluation())
    }

    @Test func snoozeDefersAndCollapsesAtItsEnd() {
        let snooze = [Snooze(caseID: "c1", policy: "client-update-cadence", until: t("2026-09-23T16:00:00Z"))]
        let held = evaluator.evaluate(Fixtures.smith(), ledger: LedgerState(), snoozes: snooze, now: t("2026-09-22T16:00:00Z"))
        #expect(held.fires.isEmpty)
        #expect(held.nextWakeUp == t("2026-09-23T16:00:00Z"))
        var ledger = LedgerState()
        let fires = Simulator(evaluator: evaluator).run(Fixtures.smith(), from: t("2026-09-10T00:00:00Z"),
                                                        to: t("2026-09-24T00:00:00Z"), snoozes: snooze, ledger: &ledger)
        #expect(fires.map(\.key.step) == [StepIndex(stage: 2)])
        #expect(fires.map(\.firedAt) == [t("2026-09-23T16:00:00Z")])
    }

    @Test func inactiveAssigneeIsReplacedByTheirManager() {
        var c = Fixtures.smith()
        c.assigneeID = "p2"
        let e = evaluator.evaluate(c, ledger: LedgerState(), now: t("2026-09-16T16:00:00Z"))
        #expect(e.fires.first?.recipients == ["a1"])
        #expect(e.fires.first?.redirectedFrom == ["p2"])
        // An active assignee is nobody's redirection.
        #expect(evaluator.evaluate(Fixtures.smith(), ledger: LedgerState(), now: t("2026-09-16T16:00:00Z"))
            .fires.first?.redirectedFrom == [])
    }

    @Test func deadlineStagesPlaceAtNineOnTheCourtCalendar() {
        var c = Fixtures.smith()
        c.deadlines = [Deadline(id: "d1", kind: .court, dueAt: t("2026-10-05T23:59:00Z"))]
        var ledger = LedgerState()
        let fires = Simulator(evaluator: Evaluator(policies: [Fixtures.deadlines], staff: Fixtures.staff))
            .run(c, from: t("2026-09-01T00:00:00Z"), to: t("2026-10-06T00:00:00Z"), ledger: &ledger)
        // Mon Oct 5 16:59 PDT: −14 d → Sep 21, −7 d → Sep 28, −2 court days → Thu Oct 1; each at 09:00 PDT.
        #expect(fires.map(\.due) == [t("2026-09-21T16:00:00Z"), t("2026-09-28T16:00:00Z"), t("2026-10-01T16:00:00Z")])
        #expect(fires.map(\.recipients) == [["p1"], ["p1", "a1"], ["a1"]])
        #expect(fires.map(\.subject.description) == ["deadline:d1", "deadline:d1", "deadline:d1"])
    }

    @Test func appointmentStageAfterItStartsNeverFires() {
        var c = Fixtures.smith()
        c.appointments = [Appointment(id: "ap1", startsAt: t("2026-09-20T17:00:00Z"))]
        let late = Evaluator(policies: [Fixtures.appointments], staff: Fixtures.staff)
        // Evaluated only after the start: the reminder is moot and not fired late.
        #expect(late.evaluate(c, ledger: LedgerState(), now: t("2026-09-20T17:00:00Z")).fires.isEmpty)
        #expect(late.evaluate(c, ledger: LedgerState(), now: t("2026-09-20T16:59:59Z")).fires.count == 1)
    }

    @Test func fireIDIsStableAndDerivedFromTheKey() {
        let key = FireKey(cycle: CycleKey(policy: "p", subject: SubjectRef(.case, "c1"), anchor: t("2026-09-01T16:00:00Z")),
                          step: StepIndex(stage: 2, repeat: 1))
        #expect(key.fireID == String(SHA256.hex("tickler-fire-v1\np\ncase:c1\n1788278400\n2\n1").prefix(32)))
        #expect(key.fireID.count == 32)
        var other = key
        other.step = StepIndex(stage: 2, repeat: 2)
        #expect(other.fireID != key.fireID)
    }

    @Test func sha256MatchesKnownVectors() {
        #expect(SHA256.hex("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(SHA256.hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(SHA256.hex(String(repeating: "a", count: 1000)).hasPrefix("41edece42d63e8d9bf515a9ba6932e1c"))
    }
}
