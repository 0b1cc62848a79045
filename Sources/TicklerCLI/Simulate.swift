import ArgumentParser
import TicklerConfig
import TicklerCore
import TicklerStore

/// `tickler simulate`: every fire the daemon would make from T1 to T2 over the store as it is, with an
/// empty ledger, one JSON object per line in (`at`, case, policy, stage, repeat) order.
struct Simulate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "List every fire between two instants, as JSON lines.",
        discussion: "The window is [--from, --to): catch-up collapse applies at --from. No side effects.")

    @OptionGroup var options: CommonOptions

    @Option(help: "Start of the window (RFC 3339, a date, or now).")
    var from: String

    @Option(help: "End of the window, exclusive.")
    var to: String

    @Option(name: .customLong("case"), help: "Only this case id.")
    var caseID: String?

    @Option(help: "Output format: jsonl.")
    var format: String = "jsonl"

    func validate() throws {
        if format != "jsonl" { throw ValidationError("--format must be jsonl") }
    }

    func run() async throws {
        let config = try options.loadConfiguration()
        let now = TimeArgument.wallClock
        let zone = config.defaultCalendar.zone
        let start = try TimeArgument.parse(from, option: "--from", zone: zone, now: now)
        let end = try TimeArgument.parse(to, option: "--to", zone: zone, now: now)
        guard start <= end else { throw CommandFailure(message: "error: --from must not be after --to", exitCode: 2) }
        let store = try options.openStore(config)
        let snapshot: StoreSnapshot
        let snoozes: [Snooze]
        do {
            snapshot = try await store.snapshot(caseIDs: caseID.map { [$0] })
            snoozes = try await store.snoozes(caseIDs: caseID.map { [$0] })
        } catch {
            throw CommandFailure.unavailable("error: cannot read the store: \(error)")
        }
        warn(snapshot.badRows)
        let snoozesByCase = Dictionary(grouping: snoozes, by: \.caseID)
        let simulator = Simulator(evaluator: Evaluator(policies: config.policies, staff: Staff(snapshot.people)))
        var fires: [Fire] = []
        var progress = Progress("simulating cases", total: snapshot.cases.count)
        for (i, c) in snapshot.cases.enumerated() {
            var ledger = LedgerState()
            fires += simulator.run(c, from: start, to: end, snoozes: snoozesByCase[c.id] ?? [], ledger: &ledger)
            if i % 1024 == 0 { progress.update(i) }
        }
        progress.finish()
        Simulator.sort(&fires)
        for f in fires { Output.standard.line(FireJSON.simulateLine(f)) }
    }
}
