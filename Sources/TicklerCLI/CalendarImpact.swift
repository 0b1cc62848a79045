import ArgumentParser
import Foundation
import TicklerConfig
import TicklerCore
import TicklerStore

/// `tickler calendar-impact OLD.yaml NEW.yaml`: every computed deadline still ahead that a change of
/// deadline rules or calendars (holidays) would move, from → to, before the change is applied.
struct CalendarImpact: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "calendar-impact",
        abstract: "List the pending computed deadlines that a new configuration would move.")

    @Argument(help: "The configuration in force.")
    var old: String

    @Argument(help: "The changed configuration.")
    var new: String

    @Option(help: "A SQLite store file to use instead of the new configuration's store.")
    var store: String?

    @Option(help: "Deadlines due before this time are not listed (default: now).")
    var at = "now"

    @Option(help: "Output format: text or json.")
    var format = "text"

    func run() async throws {
        guard ["text", "json"].contains(format) else { throw CommandFailure.usage("--format must be text or json") }
        let before = try CommonOptions.loadConfiguration(path: old)
        let after = try CommonOptions.loadConfiguration(path: new)
        let db = try await CommonOptions.openStore(override: store, configuration: after)
        let now = try TimeArgument.parse(at, option: "--at", zone: after.defaultCalendar.zone, now: TimeArgument.wallClock)
        let snapshot: StoreSnapshot
        do { snapshot = try await db.snapshot(caseIDs: nil, detail: .evaluation, people: false) } catch {
            throw CommandFailure.unavailable("error: cannot read the store: \(error)")
        }
        warn(snapshot.badRows)
        let moves = DeadlineImpact.moves(cases: snapshot.cases, old: before.deadlineRuleSet, new: after.deadlineRuleSet, now: now)
        let zone = after.calendars["court"]?.zone ?? after.defaultCalendar.zone
        if format == "json" {
            for m in moves {
                var o: [String: Any] = ["case": m.caseID, "case_number": m.caseNumber, "subject": m.subject.description,
                                        "direction": m.direction]
                o["from"] = m.from?.rfc3339 ?? NSNull()
                o["to"] = m.to?.rfc3339 ?? NSNull()
                Output.standard.line(try JSONLine.encode(o))
            }
            return
        }
        for m in moves {
            let from = m.from.map(zone.format) ?? "(none)"
            let to = m.to.map(zone.format) ?? "(none)"
            Output.standard.line("\(m.caseNumber)  \(m.subject)  \(from) → \(to)  \(m.direction)")
        }
        Output.standard.line("\(moves.count) pending computed deadline\(moves.count == 1 ? "" : "s") would change")
    }
}
