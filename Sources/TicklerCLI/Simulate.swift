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
        let store = try await options.openStore(config)
        timer.mark("open")
        let runs = SortedRuns()
        let clientFires = config.clients.map { ClientFires(settings: $0, policies: config.policies) }
        do {
            let people = try await store.people()
            warn(people.badRows)
            let evaluation = FirmEvaluation(policies: config.policies, rules: try await CommonOptions.deadlineRules(config, store), staff: Staff(people.people))
            let work = Self.work(evaluation, from: start, to: end, clients: clientFires)
            if let caseID {
                let chunk = try await store.chunk(caseIDs: [caseID], detail: .evaluation, ledger: false, holds: true)
                warn(chunk.badRows)
                try runs.add(work(chunk))
            } else {
                try await FirmScan.run(store, ledger: false, holds: true, progress: "simulating cases", work: { chunk in
                    warn(chunk.badRows)
                    return work(chunk)
                }, sink: { run in runs.keep(run) })
                try runs.check()
            }
            if let clientFires {
                try runs.add(try await clientFires.run(store: store))
            }
        } catch let failure as CommandFailure {
            throw failure
        } catch {
            throw CommandFailure.unavailable("error: cannot read the store: \(error)")
        }
        timer.mark("read and simulate")
        runs.drain { Output.standard.write($0) }
        timer.mark("merge and write")
    }

    /// A chunk's fires, as one sorted run of output lines. A fire's case rank is its case's position in the
    /// store's id order; ties on (at, case, policy, stage, repeat) are put in subject order.
    static func work(_ evaluation: FirmEvaluation, from: Instant, to: Instant,
                     clients: ClientFires? = nil) -> @Sendable (EvaluationChunk) -> SortedRuns.Run {
        let policyRank = Dictionary(uniqueKeysWithValues: evaluation.policies.map(\.id).sorted().enumerated().map { ($1, Int32($0)) })
        return { chunk in
            // Each fire is formatted as soon as it is made (no fire is kept or copied); then the lines' ranges
            // are put in order by their keys, ties broken by subject. The text itself is not moved.
            var scratch = JSONBytes(capacity: 1024 * chunk.cases.count + 1024)
            var keys: [SortedRuns.Key] = []
            var ranges: [Range<Int>] = []
            var subjects: [SubjectRef] = []
            for i in chunk.cases.indices {
                var fresh: LedgerState? = nil
                let fires = evaluation.simulate(chunk.cases[i], from: from, to: to, holds: chunk.holds[chunk.cases[i].id] ?? [],
                                                ledger: &fresh)
                for j in fires.indices {
                    keys.append(SortedRuns.Key(at: fires[j].deliverAt.seconds, caseRank: Int32(chunk.position + i),
                                               policyRank: policyRank[fires[j].policy] ?? 0, stage: Int32(fires[j].key.step.stage),
                                               repeatNumber: Int32(fires[j].key.step.repeatNumber)))
                    subjects.append(fires[j].key.cycle.subject)
                    let start = scratch.bytes.count
                    scratch.simulateLine(fires[j])
                    ranges.append(start..<scratch.bytes.count)
                    if let clients, fires[j].recipients.contains(where: { Contact.id(fromRecipient: $0) != nil }) {
                        clients.add(fires[j], of: chunk.cases[i], rank: keys[keys.count - 1])
                    }
                }
            }
            var order = Array(keys.indices)
            order.sort { a, b in keys[a] < keys[b] || (keys[a] == keys[b] && subjects[a] < subjects[b]) }
            var run = SortedRuns.Run()
            run.keys = order.map { keys[$0] }
            run.ranges = order.map { ranges[$0] }
            run.text = scratch.bytes
            return run
        }
    }
}
