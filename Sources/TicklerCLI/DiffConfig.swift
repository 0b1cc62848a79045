import ArgumentParser
import Foundation
import TicklerConfig
import TicklerCore
import TicklerStore

/// `tickler diff-config OLD.yaml NEW.yaml [--from T --to T]`: against the live store (its cases, ledger and
/// snoozes), which fires would appear, disappear or move if NEW replaced OLD: a policy change's impact,
/// seen before `systemctl reload`.
struct DiffConfig: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "diff-config", abstract: "Show which fires a new configuration would add, drop or move.")

    @Argument(help: "The configuration in force.") var old: String
    @Argument(help: "The changed configuration.") var new: String
    @Option(help: "A SQLite store file to use instead of the new configuration's store.") var store: String?
    @Option(help: "Start of the window (default now).") var from = "now"
    @Option(help: "End of the window, exclusive (default 30 days after --from).") var to: String?
    @Option(help: "Output format: text or json.") var format = "text"

    /// A fire's identity across the two configurations: the same step of the same subject's cycle.
    struct Key: Hashable, Comparable {
        var caseID: String
        var policy: String
        var subject: String
        var stage: Int
        var repeatNumber: Int
        static func < (a: Key, b: Key) -> Bool {
            (a.caseID, a.policy, a.subject, a.stage, a.repeatNumber) < (b.caseID, b.policy, b.subject, b.stage, b.repeatNumber)
        }
    }

    func run() async throws {
        guard ["text", "json"].contains(format) else { throw CommandFailure.usage("--format must be text or json") }
        let before = try CommonOptions.loadConfiguration(path: old)
        let after = try CommonOptions.loadConfiguration(path: new)
        let zone = after.defaultCalendar.zone
        let start = try TimeArgument.parse(from, option: "--from", zone: zone, now: TimeArgument.wallClock)
        let end = try to.map { try TimeArgument.parse($0, option: "--to", zone: zone, now: start) } ?? start.adding(seconds: 30 * 86_400)
        guard start < end else { throw CommandFailure.usage("--to must be after --from") }
        let db = try CommonOptions.openStore(override: store, configuration: after)
        let snapshot: StoreSnapshot, ledger: LedgerState, snoozes: [String: [Snooze]]
        do {
            snapshot = try await db.snapshot(caseIDs: nil, detail: .evaluation, people: true)
            ledger = try await db.ledgerFacts(caseIDs: nil)
            snoozes = Dictionary(grouping: try await db.snoozes(caseIDs: nil), by: \.caseID)
        } catch {
            throw CommandFailure.unavailable("error: cannot read the store: \(error)")
        }
        warn(snapshot.badRows)
        let staff = Staff(snapshot.people)
        let a = Self.fires(before, snapshot.cases, staff: staff, ledger: ledger, snoozes: snoozes, from: start, to: end)
        let b = Self.fires(after, snapshot.cases, staff: staff, ledger: ledger, snoozes: snoozes, from: start, to: end)
        let numbers = Dictionary(snapshot.cases.map { ($0.id, $0.number) }, uniquingKeysWith: { x, _ in x })
        var counts = (appear: 0, disappear: 0, move: 0)
        for key in Set(a.keys).union(b.keys).sorted() {
            let f = a[key], t = b[key]
            let change: String
            switch (f, t) {
            case (nil, _?): change = "appear"; counts.appear += 1
            case (_?, nil): change = "disappear"; counts.disappear += 1
            case (let f?, let t?) where f.deliverAt != t.deliverAt || f.due != t.due: change = "move"; counts.move += 1
            default: continue
            }
            let number = numbers[key.caseID] ?? key.caseID
            if format == "json" {
                var o: [String: Any] = ["change": change, "case": key.caseID, "case_number": number, "policy": key.policy,
                                        "subject": key.subject, "stage": key.stage, "repeat": key.repeatNumber]
                if let f { o["old_at"] = f.deliverAt.rfc3339; o["old_due"] = f.due.rfc3339 }
                if let t { o["new_at"] = t.deliverAt.rfc3339; o["new_due"] = t.due.rfc3339 }
                Output.standard.line(try JSONLine.encode(o))
                continue
            }
            let what = "case \(number) \(key.policy) stage \(key.stage)\(key.repeatNumber > 0 ? " repeat \(key.repeatNumber)" : "") (\(key.subject))"
            switch change {
            case "appear": Output.standard.line("+ \(zone.format(t!.deliverAt))  \(what)")
            case "disappear": Output.standard.line("- \(zone.format(f!.deliverAt))  \(what)")
            default: Output.standard.line("~ \(zone.format(f!.deliverAt)) → \(zone.format(t!.deliverAt))  \(what)")
            }
        }
        if format == "text" {
            Output.standard.line("\(counts.appear) appear, \(counts.disappear) disappear, \(counts.move) move "
                + "between \(zone.format(start)) and \(zone.format(end))")
        }
    }

    /// Every fire of `config` in [from, to), from the live ledger, by key.
    static func fires(_ config: Configuration, _ cases: [CaseSnapshot], staff: Staff, ledger: LedgerState,
                      snoozes: [String: [Snooze]], from: Instant, to: Instant) -> [Key: Fire] {
        let simulator = Simulator(evaluator: Evaluator(policies: config.policies, staff: staff))
        let rules = config.deadlineRuleSet
        var out: [Key: Fire] = [:]
        // One copy of the ledger per configuration: a case's run writes only its own cycles.
        var state = ledger
        for stored in cases {
            for f in simulator.run(rules.apply(to: stored), from: from, to: to, snoozes: snoozes[stored.id] ?? [], ledger: &state) {
                out[Key(caseID: f.caseID, policy: f.policy, subject: f.subject.description, stage: f.key.step.stage,
                        repeatNumber: f.key.step.repeatNumber)] = f
            }
        }
        return out
    }
}
