import ArgumentParser
import TicklerConfig
import TicklerCore
import TicklerStore

/// `tickler plan`: for each case, what is due at T (given the ledger) and what comes next. No side effects.
struct Plan: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Show what is due at a time and what comes next, per case.")

    @OptionGroup var options: CommonOptions

    @Option(help: "The time to plan for (RFC 3339, a date, now, now+7d).")
    var at: String = "now"

    @Option(name: .customLong("case"), help: "Only this case id.")
    var caseID: String?

    @Option(help: "Output format: table or json.")
    var format: String = "table"

    @Flag(help: "Explain each fire due now: anchor, offset, calendar, days skipped and why.")
    var explain = false

    func validate() throws {
        if format != "table" && format != "json" { throw ValidationError("--format must be table or json") }
    }

    /// One open cycle of a case as the plan shows it.
    struct Row {
        var policy: String
        var subject: SubjectRef
        var anchor: Instant
        var dueNow: Fire?
        var explanation: String?
        var skipped: [StepIndex]
        var next: CycleSchedule.Step?
        var heldUntil: Instant?
    }

    func run() async throws {
        var timer = PhaseTimer()
        let config = try options.loadConfiguration()
        let now = try TimeArgument.parse(at, option: "--at", zone: config.defaultCalendar.zone, now: TimeArgument.wallClock)
        let store = try await options.openStore(config)
        let json = format == "json"
        let totals = PlanTotals(json: json)
        do {
            let people = try await store.people()
            warn(people.badRows)
            let evaluation = FirmEvaluation(policies: config.policies, rules: try await CommonOptions.deadlineRules(config, store), staff: Staff(people.people))
            let work = Self.work(evaluation, now: now, json: json, explain: explain)
            if let caseID {
                let chunk = try await store.chunk(caseIDs: [caseID], detail: .evaluation, ledger: true, holds: true)
                warn(chunk.badRows)
                if chunk.cases.isEmpty { throw CommandFailure.invalid("error: no case with id '\(caseID)'") }
                Self.header(now: now, json: json)
                totals.write(work(chunk))
            } else {
                Self.header(now: now, json: json)
                try await FirmScan.run(store, ledger: true, holds: true, progress: "planning cases", work: { chunk in
                    warn(chunk.badRows)
                    return work(chunk)
                }, sink: totals.write)
            }
        } catch let failure as CommandFailure {
            throw failure
        } catch {
            throw CommandFailure.unavailable("error: cannot read the store: \(error)")
        }
        timer.mark("read, plan and write")
        totals.footer()
    }

    static func header(now: Instant, json: Bool) {
        if json {
            Output.standard.line("{\"at\": \"\(now.rfc3339)\", \"cases\": [")
        } else {
            Output.standard.line("plan at \(now.rfc3339)")
            Output.standard.line(cell("CASE", 12) + cell("POLICY", 24) + cell("SUBJECT", 22) + cell("DUE NOW", 34) + "NEXT")
        }
    }

    /// One chunk's part of the output, with its counts.
    struct Part: Sendable {
        var text: [UInt8]
        var due = 0, listed = 0, dueCases = 0
    }

    static func work(_ evaluation: FirmEvaluation, now: Instant, json: Bool, explain: Bool) -> @Sendable (EvaluationChunk) -> Part {
        { chunk in
            var out = JSONBytes(capacity: 600 * chunk.cases.count)
            var part = Part(text: [])
            for stored in chunk.cases {
                let (c, cycles) = evaluation.cycles(stored, ledger: chunk.ledger, holds: chunk.holds[stored.id] ?? [], now: now)
                let rows = Self.rows(c, cycles: cycles, evaluator: evaluation.evaluator, ledger: chunk.ledger, now: now,
                                     explain: explain)
                if rows.isEmpty { continue }
                part.listed += rows.count
                let dueHere = rows.filter { $0.dueNow != nil }.count
                part.due += dueHere
                if dueHere > 0 { part.dueCases += 1 }
                if json { Self.json(c, rows, into: &out) } else { Self.table(c, rows, into: &out) }
            }
            part.text = out.bytes
            return part
        }
    }

    /// The open cycles of `c` at `now` that have something due, something next, or a snooze.
    static func rows(_ c: CaseSnapshot, cycles: [Evaluator.CycleView], evaluator: Evaluator, ledger: LedgerState, now: Instant,
                     explain: Bool) -> [Row] {
        var rows: [Row] = []
        for view in cycles {
            let d = view.decision
            let after = d.fire?.index ?? ledger.highestRecorded(view.schedule.key)
            let endsAt = view.schedule.subject.endsAt
            let next = view.schedule.steps.first { s in
                s.due > now && (after.map { s.index > $0 } ?? true) && (endsAt.map { s.due < $0 } ?? true)
            }
            let fire = d.fire.map { evaluator.fire($0, of: view.schedule, policy: view.policy, case: c, at: now) }
            let held = view.holdUntil.flatMap { $0 > now ? $0 : nil }
            if fire == nil && next == nil && held == nil { continue }
            let why = explain ? fire.map { Explanation(fire: $0, policy: view.policy, subject: view.schedule.subject).text } : nil
            rows.append(Row(policy: view.policy.id, subject: view.schedule.subject.ref, anchor: view.schedule.subject.anchor,
                            dueNow: fire, explanation: why, skipped: d.skipped.map(\.index), next: next, heldUntil: held))
        }
        return rows
    }

    static func json(_ c: CaseSnapshot, _ rows: [Row], into out: inout JSONBytes) {
        out.raw(",\n  {\"case\": "); out.string(c.id)
        out.raw(", \"number\": "); out.string(c.number)
        out.raw(", \"cycles\": [\n")
        for (i, r) in rows.enumerated() {
            out.raw("    {\"policy\": "); out.string(r.policy)
            out.raw(", \"subject\": "); out.string(r.subject.description)
            out.raw(", \"anchor\": "); out.instant(r.anchor)
            if let f = r.dueNow {
                out.raw(", \"due_now\": {\"stage\": "); out.int(f.key.step.stage)
                out.raw(", \"repeat\": "); out.int(f.key.step.repeatNumber)
                out.raw(", \"action\": "); out.string(f.action.rawValue)
                out.raw(", \"due\": "); out.instant(f.due)
                out.raw(", \"at\": "); out.instant(f.deliverAt)
                out.raw(", \"recipients\": "); out.strings(f.recipients)
                out.raw(", \"channels\": "); out.strings(f.channels)
                out.raw(", \"fire_id\": "); out.string(f.fireID)
                if let why = r.explanation { out.raw(", \"explanation\": "); out.string(why) }
                out.raw(", \"skips\": [")
                for (k, s) in r.skipped.enumerated() {
                    if k > 0 { out.raw(", ") }
                    out.raw("{\"stage\": "); out.int(s.stage); out.raw(", \"repeat\": "); out.int(s.repeatNumber); out.raw("}")
                }
                out.raw("]}")
            } else {
                out.raw(", \"due_now\": null")
            }
            if let n = r.next {
                out.raw(", \"next\": {\"stage\": "); out.int(n.index.stage)
                out.raw(", \"repeat\": "); out.int(n.index.repeatNumber)
                out.raw(", \"due\": "); out.instant(n.due); out.raw("}")
            } else {
                out.raw(", \"next\": null")
            }
            out.raw(", \"snoozed_until\": ")
            if let h = r.heldUntil { out.instant(h) } else { out.raw("null") }
            out.raw(i == rows.count - 1 ? "}\n" : "},\n")
        }
        out.raw("  ]}")
    }

    static func table(_ c: CaseSnapshot, _ rows: [Row], into out: inout JSONBytes) {
        for r in rows {
            var now = "-"
            if let f = r.dueNow {
                now = "\(f.key.step) \(f.action.rawValue)"
                if f.deliverAt != f.firedAt { now += " at \(f.deliverAt.rfc3339)" }
            } else if let h = r.heldUntil {
                now = "snoozed to \(h.rfc3339)"
            }
            let next = r.next.map { "\($0.index) \($0.due.rfc3339)" } ?? "-"
            out.text(cell(c.number, 12) + cell(r.policy, 24) + cell(r.subject.description, 22) + cell(now, 34) + next + "\n")
            if let why = r.explanation { out.text("            why: \(why)\n") }
        }
    }

    static func cell(_ s: String, _ w: Int) -> String {
        s.count >= w ? String(s.prefix(w - 1)) + " " : s + String(repeating: " ", count: w - s.count)
    }
}

/// The plan's output as it streams: each part written as it comes, the counts summed for the footer.
/// Written from one thread at a time (a scan's in-order sink).
final class PlanTotals: @unchecked Sendable {
    let json: Bool
    private var first = true
    private var due = 0, listed = 0, dueCases = 0

    init(json: Bool) { self.json = json }

    func write(_ part: Plan.Part) {
        due += part.due
        listed += part.listed
        dueCases += part.dueCases
        guard !part.text.isEmpty else { return }
        // In JSON each case object starts with ",\n"; the very first drops it.
        Output.standard.write(json && first ? Array(part.text.dropFirst(2)) : part.text)
        first = false
    }

    func footer() {
        if json {
            Output.standard.line(first ? "]}" : "\n]}")
        } else {
            Output.standard.line("\(due) cycle(s) due now in \(dueCases) case(s); \(listed) open cycle(s) listed")
        }
    }
}
