import ArgumentParser
import Foundation
import Logging
import TicklerConfig
import TicklerCore
import TicklerStore

/// `ticklerd`: the follow-up daemon. This version runs one evaluation (`--once`): every case is
/// evaluated at the current time and each due step is recorded in the ledger exactly once.
@main
struct TicklerDaemonCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ticklerd", abstract: "The Tickler follow-up and escalation daemon.")

    @Option(help: "The configuration file.")
    var config = "/etc/tickler/tickler.yaml"

    @Flag(help: "Run one evaluation, record what fires, and exit.")
    var once = false

    func validate() throws {
        guard once else { throw ValidationError("only --once is supported by this version; run it from a timer") }
    }

    func run() async throws {
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = .info
            return handler
        }
        let log = Logger(label: "ticklerd")
        let configuration: Configuration
        do {
            configuration = try ConfigurationLoader.load(path: config)
        } catch {
            // Each located error on its own line, so editors and people can jump to it.
            FileHandle.standardError.write(Data((error.description + "\n").utf8))
            throw ExitCode(1)
        }
        guard case .sqlite(let path) = configuration.store else { throw ExitCode(1) }
        let now = Instant(seconds: Int64(Date().timeIntervalSince1970))
        do {
            let store = try SQLiteCaseStore(path: path, create: true)
            let snapshot = try await store.snapshot(caseIDs: nil, detail: .evaluation)
            let ledger = try await store.ledgerFacts(caseIDs: nil)
            let snoozes = Dictionary(grouping: try await store.snoozes(caseIDs: nil), by: \.caseID)
            for bad in snapshot.badRows {
                log.warning("row skipped", metadata: ["table": "\(bad.table)", "row": "\(bad.id)", "problem": "\(bad.problem)"])
            }
            let evaluator = Evaluator(policies: configuration.policies, staff: Staff(snapshot.people))
            let policies = Dictionary(uniqueKeysWithValues: configuration.policies.map { ($0.id, $0) })
            var fires: [Fire] = []
            var skipped: [SkippedStep] = []
            var explanations: [String: String] = [:]
            for c in snapshot.cases {
                let e = evaluator.evaluate(c, ledger: ledger, snoozes: snoozes[c.id] ?? [], now: now)
                for f in e.fires {
                    if let policy = policies[f.policy],
                       let subject = policy.clock.subjects(of: c).first(where: { $0.ref == f.subject }) {
                        explanations[f.fireID] = Explanation(fire: f, policy: policy, subject: subject).text
                    }
                }
                fires += e.fires
                skipped += e.skipped
            }
            let recorded = try await store.record(fires: fires, skipped: skipped, explanations: explanations, now: now)
            for f in recorded {
                log.notice("\(f.action == .escalate ? "escalation" : "reminder") fired", metadata: [
                    "case_number": "\(f.caseNumber)", "policy": "\(f.policy)", "stage": "\(f.key.step.stage)",
                    "repeat": "\(f.key.step.repeatNumber)", "subject": "\(f.subject)", "fire_id": "\(f.fireID)",
                    "due_at": "\(f.due)", "deliver_at": "\(f.deliverAt)",
                ])
            }
            log.info("evaluated \(snapshot.cases.count) cases at \(now): \(recorded.count) fired, \(skipped.count) skipped")
        } catch let e as StoreUnavailable {
            log.error("\(e.message)")
            throw ExitCode(3)
        }
    }
}
