import ArgumentParser
import TicklerConfig
import TicklerCore
import TicklerStore

/// `tickler plan`: for each case, what is due at T (given the ledger) and what comes next. No side effects.
struct Plan: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Show what is due at a time and what comes next, per case.")

    @OptionGroup var options: CommonOptions

    @Option(help: "The time to plan for (RFC 3339, a date, or now).")
    var at: String = "now"

    @Option(name: .customLong("case"), help: "Only this case id.")
    var caseID: String?

    @Option(help: "Output format: table or json.")
    var format: String = "table"

    func validate() throws {
        if format != "table" && format != "json" { throw ValidationError("--format must be table or json") }
    }

    struct Row {
        var caseID: String
        var caseNumber: String
        var policy: String
        var subject: SubjectRef
        var anchor: Instant
        var dueNow: Fire?
        var skipped: [StepIndex]
        var next: CycleSchedule.Step?
        var heldUntil: Instant?
    }

    func run() async throws {
        let config = try options.loadConfiguration()
        let now = try TimeArgument.parse(at, option: "--at", zone: config.defaultCalendar.zone, now: TimeArgument.wallClock)
        let store = try options.openStore(config)
        let ids = caseID.map { [$0] }
        let snapshot: StoreSnapshot
        let ledger: LedgerState
        let snoozes: [Snooze]
        do {
            snapshot = try await store.snapshot(caseIDs: ids)
            ledger = try await store.ledgerFacts(caseIDs: ids)
            snoozes = try await store.snoozes(caseIDs: ids)
        } catch {
            throw CommandFailure.unavailable("error: cannot read the store: \(error)")
        }
        warn(snapshot.badRows)
        if let caseID, snapshot.cases.isEmpty { throw CommandFailure.invalid("error: no case with id '\(caseID)'") }
        let snoozesByCase = Dictionary(grouping: snoozes, by: \.caseID)
        let evaluator = Evaluator(policies: config.policies, staff: Staff(snapshot.people))
        var rows: [Row] = []
        for c in snapshot.cases {
            for view in evaluator.cycles(of: c, ledger: ledger, snoozes: snoozesByCase[c.id] ?? [], now: now) {
                let d = view.decision
                let after = d.fire?.index ?? ledger.highestRecorded(view.schedule.key)
                let next = view.schedule.steps.first { s in s.due > now && (after.map { s.index > $0 } ?? true) }
                    .flatMap { s in view.schedule.subject.endsAt.map { s.due < $0 } ?? true ? s : nil }
                let fire = d.fire.map { evaluator.fire($0, of: view.schedule, policy: view.policy, case: c, at: now) }
                let held = view.holdUntil.flatMap { $0 > now ? $0 : nil }
                if fire == nil && next == nil && held == nil { continue }
                rows.append(Row(caseID: c.id, caseNumber: c.number, policy: view.policy.id, subject: view.schedule.subject.ref,
                                anchor: view.schedule.subject.anchor, dueNow: fire, skipped: d.skipped.map(\.index),
                                next: next, heldUntil: held))
            }
        }
        if format == "json" { printJSON(rows, now: now) } else { printTable(rows, now: now) }
    }

    private func printJSON(_ rows: [Row], now: Instant) {
        let out = Output.standard
        out.line("{\"at\": \"\(now.rfc3339)\", \"cases\": [")
        var byCase: [(String, String, [Row])] = []
        for r in rows {
            if byCase.last?.0 == r.caseID { byCase[byCase.count - 1].2.append(r) } else { byCase.append((r.caseID, r.caseNumber, [r])) }
        }
        for (ci, (id, number, cycles)) in byCase.enumerated() {
            out.line("  {\"case\": \(FireJSON.q(id)), \"number\": \(FireJSON.q(number)), \"cycles\": [")
            for (i, r) in cycles.enumerated() {
                var fields = ["\"policy\": \(FireJSON.q(r.policy))", "\"subject\": \(FireJSON.q(r.subject.description))",
                              "\"anchor\": \"\(r.anchor.rfc3339)\""]
                if let f = r.dueNow {
                    fields.append("\"due_now\": {\"stage\": \(f.key.step.stage), \"repeat\": \(f.key.step.repeatNumber), "
                        + "\"action\": \"\(f.action.rawValue)\", \"due\": \"\(f.due.rfc3339)\", \"at\": \"\(f.deliverAt.rfc3339)\", "
                        + "\"recipients\": \(FireJSON.list(f.recipients)), \"channels\": \(FireJSON.list(f.channels)), "
                        + "\"fire_id\": \"\(f.fireID)\", \"skips\": [" + r.skipped.map {
                            "{\"stage\": \($0.stage), \"repeat\": \($0.repeatNumber)}" }.joined(separator: ", ") + "]}")
                } else { fields.append("\"due_now\": null") }
                if let n = r.next {
                    fields.append("\"next\": {\"stage\": \(n.index.stage), \"repeat\": \(n.index.repeatNumber), \"due\": \"\(n.due.rfc3339)\"}")
                } else { fields.append("\"next\": null") }
                fields.append("\"snoozed_until\": " + (r.heldUntil.map { "\"\($0.rfc3339)\"" } ?? "null"))
                out.line("    {" + fields.joined(separator: ", ") + "}" + (i == cycles.count - 1 ? "" : ","))
            }
            out.line("  ]}" + (ci == byCase.count - 1 ? "" : ","))
        }
        out.line("]}")
    }

    private func printTable(_ rows: [Row], now: Instant) {
        let out = Output.standard
        func cell(_ s: String, _ w: Int) -> String { s.count >= w ? String(s.prefix(w - 1)) + " " : s + String(repeating: " ", count: w - s.count) }
        out.line("plan at \(now.rfc3339)")
        out.line(cell("CASE", 12) + cell("POLICY", 24) + cell("SUBJECT", 22) + cell("DUE NOW", 34) + "NEXT")
        var due = 0
        for r in rows {
            var now = "-"
            if let f = r.dueNow {
                due += 1
                now = "\(f.key.step) \(f.action.rawValue)"
                if f.deliverAt != f.firedAt { now += " at \(f.deliverAt.rfc3339)" }
            } else if let h = r.heldUntil {
                now = "snoozed to \(h.rfc3339)"
            }
            let next = r.next.map { "\($0.index) \($0.due.rfc3339)" } ?? "-"
            out.line(cell(r.caseNumber, 12) + cell(r.policy, 24) + cell(r.subject.description, 22) + cell(now, 34) + next)
        }
        let cases = Set(rows.filter { $0.dueNow != nil }.map(\.caseID)).count
        out.line("\(due) cycle(s) due now in \(cases) case(s); \(rows.count) open cycle(s) listed")
    }
}
