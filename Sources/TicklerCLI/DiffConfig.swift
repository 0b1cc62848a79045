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
        let end = try to.map { try TimeArgument.parse($0, option: "--to", zone: zone, now: start) } 
            ?? Lookback.end(of: Lookback.diffConfig, startingAt: start, on: after.defaultCalendar)
        guard start < end else { throw CommandFailure.usage("--to must be after --from") }
        let db = try await CommonOptions.openStore(override: store, configuration: after)
        let json = format == "json"
        let totals = DiffTotals()
        do {
            let people = try await db.people()
            warn(people.badRows)
            let staff = Staff(people.people)
            let old = FirmEvaluation(policies: before.policies, rules: try await CommonOptions.deadlineRules(before, db), staff: staff)
            let new = FirmEvaluation(policies: after.policies, rules: try await CommonOptions.deadlineRules(after, db), staff: staff)
            try await FirmScan.run(db, ledger: true, holds: true, work: { chunk in
                warn(chunk.badRows)
                return Self.changes(chunk, old: old, new: new, from: start, to: end, zone: zone, json: json)
            }, sink: totals.add)
            try totals.check()
        } catch let failure as CommandFailure {
            throw failure
        } catch {
            throw CommandFailure.unavailable("error: cannot read the store: \(error)")
        }
        if !json {
            Output.standard.line("\(totals.appear) appear, \(totals.disappear) disappear, \(totals.move) move "
                + "between \(zone.format(start)) and \(zone.format(end))")
        }
    }

    /// One chunk's changes, as output lines in key order, with their counts.
    struct Changes: Sendable {
        var lines: [String] = []
        var appear = 0, disappear = 0, move = 0
        var failure: String?
    }

    static func changes(_ chunk: EvaluationChunk, old: FirmEvaluation, new: FirmEvaluation, from: Instant, to: Instant,
                        zone: ZoneRules, json: Bool) -> Changes {
        let a = fires(old, chunk, from: from, to: to), b = fires(new, chunk, from: from, to: to)
        let numbers = Dictionary(chunk.cases.map { ($0.id, $0.number) }, uniquingKeysWith: { x, _ in x })
        var out = Changes()
        for key in Set(a.keys).union(b.keys).sorted() {
            let f = a[key], t = b[key]
            let change: String
            switch (f, t) {
            case (nil, _?): change = "appear"; out.appear += 1
            case (_?, nil): change = "disappear"; out.disappear += 1
            case (let f?, let t?) where f.deliverAt != t.deliverAt || f.due != t.due: change = "move"; out.move += 1
            default: continue
            }
            let number = numbers[key.caseID] ?? key.caseID
            if json {
                var o: [String: Any] = ["change": change, "case": key.caseID, "case_number": number, "policy": key.policy,
                                        "subject": key.subject, "stage": key.stage, "repeat": key.repeatNumber]
                if let f { o["old_at"] = f.deliverAt.rfc3339; o["old_due"] = f.due.rfc3339 }
                if let t { o["new_at"] = t.deliverAt.rfc3339; o["new_due"] = t.due.rfc3339 }
                do { out.lines.append(try JSONLine.encode(o)) } catch { out.failure = "\(error)" }
                continue
            }
            let what = "case \(number) \(key.policy) stage \(key.stage)\(key.repeatNumber > 0 ? " repeat \(key.repeatNumber)" : "") (\(key.subject))"
            switch change {
            case "appear": out.lines.append("+ \(zone.format(t!.deliverAt))  \(what)")
            case "disappear": out.lines.append("- \(zone.format(f!.deliverAt))  \(what)")
            default: out.lines.append("~ \(zone.format(f!.deliverAt)) → \(zone.format(t!.deliverAt))  \(what)")
            }
        }
        return out
    }

    /// Every fire of one configuration in [from, to) over a chunk, from the live ledger, by key.
    static func fires(_ evaluation: FirmEvaluation, _ chunk: EvaluationChunk, from: Instant, to: Instant) -> [Key: Fire] {
        var out: [Key: Fire] = [:]
        // One copy of the ledger per configuration: a case's run writes only its own cycles.
        var state: LedgerState? = chunk.ledger
        for stored in chunk.cases {
            for f in evaluation.simulate(stored, from: from, to: to, holds: chunk.holds[stored.id] ?? [], ledger: &state) {
                out[Key(caseID: f.caseID, policy: f.policy, subject: f.subject.description, stage: f.key.step.stage,
                        repeatNumber: f.key.step.repeatNumber)] = f
            }
        }
        return out
    }
}

/// The diff as it streams: each chunk's lines written as they come, the counts summed. One thread at a
/// time (a scan's in-order sink).
final class DiffTotals: @unchecked Sendable {
    private(set) var appear = 0, disappear = 0, move = 0
    private var failure: String?

    func add(_ c: DiffConfig.Changes) {
        appear += c.appear
        disappear += c.disappear
        move += c.move
        if failure == nil { failure = c.failure }
        for line in c.lines { Output.standard.line(line) }
    }

    func check() throws {
        if let failure { throw CommandFailure(message: "error: \(failure)", exitCode: 1) }
    }
}
