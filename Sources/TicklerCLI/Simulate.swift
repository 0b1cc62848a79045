import ArgumentParser
import Foundation
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

    @Option(help: "Start of the window (RFC 3339, a date, now, now+7d).")
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
        var timer = PhaseTimer()
        let config = try options.loadConfiguration()
        timer.mark("configuration")
        let now = TimeArgument.wallClock
        let zone = config.defaultCalendar.zone
        let start = try TimeArgument.parse(from, option: "--from", zone: zone, now: now)
        let end = try TimeArgument.parse(to, option: "--to", zone: zone, now: now)
        guard start <= end else { throw CommandFailure(message: "error: --from must not be after --to", exitCode: 2) }
        let store = try options.openStore(config)
        timer.mark("open")
        let snapshot: StoreSnapshot
        let snoozes: [Snooze]
        do {
            snapshot = try await store.snapshot(caseIDs: caseID.map { [$0] }, detail: .evaluation)
            timer.mark("snapshot")
            snoozes = try await store.snoozes(caseIDs: caseID.map { [$0] })
        } catch {
            throw CommandFailure.unavailable("error: cannot read the store: \(error)")
        }
        timer.mark("read")
        warn(snapshot.badRows)
        // A fire's case rank is its case's position, so the cases must be in String order (the store's id
        // order is byte order, which differs for text that is not normalised).
        var cases = snapshot.cases
        if zip(cases, cases.dropFirst()).contains(where: { !($0.id < $1.id) }) { cases.sort { $0.id < $1.id } }
        let simulator = Simulator(evaluator: Evaluator(policies: config.policies, staff: Staff(snapshot.people)))
        Self.run(cases, simulator: simulator, rules: config.deadlineRuleSet, snoozes: Dictionary(grouping: snoozes, by: \.caseID), from: start, to: end,
                 timer: &timer)
    }

    /// Cases are independent, so they are simulated in slices on every core; then the fires' order keys
    /// are sorted, and the lines are formatted in slices on every core and written in that order.
    static func run(_ cases: [CaseSnapshot], simulator: Simulator, rules: DeadlineRuleSet = DeadlineRuleSet([]),
                    snoozes: [String: [Snooze]], from: Instant, to: Instant,
                    timer: inout PhaseTimer) {
        let policyRank = FireOrdering.policyRanks(simulator.evaluator.policies)
        let progress = SharedProgress(Progress("simulating cases", total: cases.count))
        let parts = ParallelSlices.map(count: cases.count) { slice, range in
            var fires: [Fire] = []
            var keys: [FireOrdering.Key] = []
            for i in range {
                let held = snoozes.isEmpty ? [] : snoozes[cases[i].id] ?? []
                // Computed deadlines join each case here, in the parallel slices.
                for f in simulator.run(rules.apply(to: cases[i]), from: from, to: to, snoozes: held) {
                    keys.append(FireOrdering.key(f, caseRank: i, policyRank: policyRank, slice: slice, position: fires.count))
                    fires.append(f)
                }
            }
            progress.add(range.count)
            return (fires, keys)
        }
        progress.finish()
        timer.mark("simulate")
        let fires = parts.map(\.0)
        var unsorted = parts.flatMap(\.1)
        FireOrdering.sort(&unsorted, slices: fires)
        let keys = unsorted
        timer.mark("sort")
        // Formatted a window at a time, so the output is never all in memory at once.
        let window = 1 << 16
        for start in stride(from: 0, to: keys.count, by: window) {
            let part = keys[start..<min(start + window, keys.count)]
            let text = ParallelSlices.map(count: part.count, minimumSlice: 4096) { _, range in
                var json = JSONBytes(capacity: 230 * range.count + 1024)
                for k in part[(part.startIndex + range.lowerBound)..<(part.startIndex + range.upperBound)] {
                    json.simulateLine(fires[Int(k.slice)][Int(k.position)])
                }
                return json.bytes
            }
            for bytes in text { Output.standard.write(bytes) }
        }
        timer.mark("format and write")
    }
}
