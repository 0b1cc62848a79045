import Testing
@testable import TicklerCore

/// Random firms over 2026–2027 exercising every clock, repeats, `at:`, both delivery modes, DST and holidays.
enum RandomFirm {
    static let start = t("2026-01-01T00:00:00Z").seconds
    static let span: Int64 = 540 * 86_400

    static let policies: [Policy] = {
        let firm = Calendars.firm
        let ny = Calendars.newYork
        return [
            Fixtures.cadence, Fixtures.deadlines, Fixtures.appointments,
            Policy(id: "inbound", clock: .sinceInbound, calendar: ny, stages: [
                Stage(number: 1, offset: Period(4, .businessHours), counting: ny, notify: [.assignee]),
                Stage(number: 2, offset: Period(16, .businessHours), counting: ny, action: .escalate, notify: [.supervisor]),
            ]),
            Policy(id: "docs", clock: .sinceDocumentRequest, calendar: firm, stages: [
                Stage(number: 1, offset: Period(3, .days), counting: firm, at: TimeOfDay(hour: 8, minute: 30), notify: [.assignee],
                      repeatRule: .init(every: Period(1, .weeks), max: 4, counting: firm)),
            ]),
            Policy(id: "stale", clock: .sinceActivity, calendar: firm, stages: [
                Stage(number: 1, offset: Period(20, .days), counting: firm, notify: [.attorney]),
                Stage(number: 2, offset: Period(30, .days), counting: firm, action: .escalate, notify: [.role("managing-partner")],
                      deliver: .businessHours),
            ]),
            Policy(id: "welcome", clock: .sinceOpened, calendar: firm, stages: [
                Stage(number: 1, offset: Period(90, .minutes), counting: firm, notify: [.assignee]),
            ]),
        ]
    }()

    static func instant(_ rng: inout SplitMix64) -> Instant {
        Instant(seconds: start + Int64.random(in: 0..<span, using: &rng))
    }

    static func makeCase(_ rng: inout SplitMix64) -> CaseSnapshot {
        let opened = instant(&rng)
        var c = CaseSnapshot(id: "c\(Int.random(in: 1...999, using: &rng))", number: "N", status: .open,
                             assigneeID: "p1", attorneyID: "a1", openedAt: opened)
        for i in 0..<Int.random(in: 0...5, using: &rng) {
            let at = instant(&rng)
            c.communications.append(Communication(
                id: "m\(i)", direction: Bool.random(using: &rng) ? .inbound : .outbound, channel: .call,
                kind: Bool.random(using: &rng) ? .statusUpdate : .other, occurredAt: at,
                respondedAt: Int.random(in: 0..<3, using: &rng) == 0 ? at.adding(seconds: 7200) : nil))
        }
        for i in 0..<Int.random(in: 0...3, using: &rng) {
            c.deadlines.append(Deadline(id: "d\(i)", kind: Deadline.Kind.allCases.randomElement(using: &rng)!, dueAt: instant(&rng)))
        }
        for i in 0..<Int.random(in: 0...2, using: &rng) {
            c.documentRequests.append(DocumentRequest(id: "r\(i)", requestedAt: instant(&rng)))
        }
        for i in 0..<Int.random(in: 0...2, using: &rng) {
            c.appointments.append(Appointment(id: "ap\(i)", startsAt: instant(&rng), cancelled: Int.random(in: 0..<5, using: &rng) == 0))
        }
        return c
    }

    static let evaluator = Evaluator(policies: policies, staff: Fixtures.staff)
}

extension LedgerState {
    mutating func record(_ e: Evaluator.Evaluation) {
        for s in e.skipped { record(s.key.cycle, s.key.step) }
        for f in e.fires { record(f.key.cycle, f.key.step) }
    }
}

@Suite struct PropertyTests {
    static let seeds = Array(UInt64(1)...UInt64(200))

    @Test(arguments: seeds) func nextWakeUpNeverGoesBackward(seed: UInt64) {
        var rng = SplitMix64(seed: seed)
        let c = RandomFirm.makeCase(&rng)
        var ledger = LedgerState()
        var now = RandomFirm.instant(&rng)
        let end = Instant(seconds: RandomFirm.start + RandomFirm.span + 120 * 86_400)
        for _ in 0..<500 {
            let e = RandomFirm.evaluator.evaluate(c, ledger: ledger, now: now)
            #expect(e.fires.allSatisfy { $0.due <= now && $0.firedAt == now && $0.deliverAt >= now }, "seed \(seed)")
            ledger.record(e)
            guard let next = e.nextWakeUp, next < end else { return }
            #expect(next > now, "seed \(seed): wake-up \(next) is not after \(now)")
            if next <= now { return }
            now = next
        }
    }

    @Test(arguments: seeds) func noStepFiresTwiceAcrossClockJumps(seed: UInt64) {
        var rng = SplitMix64(seed: seed &* 7919)
        let c = RandomFirm.makeCase(&rng)
        var ledger = LedgerState()
        var seen = Set<FireKey>()
        var skipped = Set<FireKey>()
        for _ in 0..<60 {
            // Arbitrary order: forward, backward, repeated instants.
            let now = Int.random(in: 0..<4, using: &rng) == 0 && !seen.isEmpty
                ? seen.randomElement(using: &rng)!.cycle.anchor : RandomFirm.instant(&rng)
            let e = RandomFirm.evaluator.evaluate(c, ledger: ledger, now: now)
            for f in e.fires {
                #expect(!seen.contains(f.key), "seed \(seed): \(f.key) fired twice")
                #expect(!skipped.contains(f.key), "seed \(seed): \(f.key) fired after being skipped")
                seen.insert(f.key)
            }
            for s in e.skipped {
                #expect(!seen.contains(s.key), "seed \(seed): \(s.key) skipped after firing")
                skipped.insert(s.key)
            }
            ledger.record(e)
        }
    }

    @Test(arguments: seeds) func simulateOverACEqualsABThenBCWithLedgerCarried(seed: UInt64) {
        var rng = SplitMix64(seed: seed &* 104_729)
        let c = RandomFirm.makeCase(&rng)
        var points = [RandomFirm.instant(&rng), RandomFirm.instant(&rng), RandomFirm.instant(&rng)].sorted()
        if Int.random(in: 0..<5, using: &rng) == 0 { points[1] = points[0] }
        let (a, b, cEnd) = (points[0], points[1], points[2])
        let sim = Simulator(evaluator: RandomFirm.evaluator)
        var whole = LedgerState()
        var all = sim.run(c, from: a, to: cEnd, ledger: &whole)
        var split = LedgerState()
        var parts = sim.run(c, from: a, to: b, ledger: &split) + sim.run(c, from: b, to: cEnd, ledger: &split)
        Simulator.sort(&all)
        Simulator.sort(&parts)
        #expect(all == parts, "seed \(seed): [\(a), \(cEnd)) split at \(b)")
        #expect(whole == split, "seed \(seed)")
    }

    @Test(arguments: seeds) func simulatorAgreesWithEvaluatorRunAtEveryWakeUp(seed: UInt64) {
        var rng = SplitMix64(seed: seed &* 15_485_863)
        let c = RandomFirm.makeCase(&rng)
        let from = RandomFirm.instant(&rng)
        let to = from.adding(seconds: 90 * 86_400)
        var ledger = LedgerState()
        var stepped: [Fire] = []
        var now = from
        while now < to {
            let e = RandomFirm.evaluator.evaluate(c, ledger: ledger, now: now)
            stepped += e.fires
            ledger.record(e)
            guard let next = e.nextWakeUp else { break }
            now = next
        }
        var simLedger = LedgerState()
        var simulated = Simulator(evaluator: RandomFirm.evaluator).run(c, from: from, to: to, ledger: &simLedger)
        Simulator.sort(&stepped)
        Simulator.sort(&simulated)
        #expect(stepped == simulated, "seed \(seed)")
    }

    @Test(arguments: Array(UInt64(1)...UInt64(50))) func businessDayShiftLandsOnABusinessDayAndRoundTripsForward(seed: UInt64) {
        var rng = SplitMix64(seed: seed &* 31)
        let cal = Calendars.firm
        let start = RandomFirm.instant(&rng)
        let n = Int.random(in: 1...30, using: &rng)
        let forward = cal.shift(start, by: .businessDays(n))
        #expect(cal.isBusinessDay(cal.zone.localDate(forward)))
        #expect(forward > start)
        // Counting the business days strictly between the two dates plus the last gives n back.
        var counted = 0
        var day = cal.zone.localDate(start).adding(days: 1)
        while day <= cal.zone.localDate(forward) {
            if cal.isBusinessDay(day) { counted += 1 }
            day = day.adding(days: 1)
        }
        #expect(counted == n, "seed \(seed)")
    }
}
