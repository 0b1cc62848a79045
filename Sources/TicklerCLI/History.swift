import ArgumentParser
import Foundation
import TicklerConfig
import TicklerCore
import TicklerStore

/// `tickler history`: the ledger, oldest first: each step fired or skipped, and what became of its
/// deliveries; `--explain` adds why each fired.
struct History: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Show the ledger: fires, skipped steps and their deliveries.")

    @OptionGroup var options: CommonOptions
    @Option(name: .customLong("case"), help: "Only this case (its id or number).") var caseArgument: String?
    @Option(help: "Only this policy.") var policy: String?
    @Option(help: "Only what fired at or after this time.") var since: String?
    @Option(help: "Output format: table or json.") var format = "table"
    @Flag(help: "Add each fire's explanation.") var explain = false

    func run() async throws {
        guard ["table", "json"].contains(format) else { throw CommandFailure.usage("--format must be table or json") }
        let config = try options.loadConfiguration()
        let store = try await options.openStore(config)
        let zone = config.defaultCalendar.zone
        let from = try since.map { try TimeArgument.parse($0, option: "--since", zone: zone, now: TimeArgument.wallClock) }
        let caseID = try await caseArgument.asyncMap { try await CaseArgument.resolve($0, in: store) }
        let entries: [LedgerEntry]
        let deliveries: [String: [QueuedDelivery]]
        do {
            entries = try await store.ledger(caseID: caseID, policy: policy, since: from)
            deliveries = try await store.deliveries(of: entries.filter { $0.outcome == .fired }.map(\.fireID))
        } catch {
            throw CommandFailure.unavailable("error: cannot read the store: \(error)")
        }
        let numbers = try await caseNumbers(store, Set(entries.map(\.caseID)))
        for e in entries {
            let ds = deliveries[e.fireID] ?? []
            if format == "json" {
                var o: [String: Any] = [
                    "fire_id": e.fireID, "case": e.caseID, "case_number": numbers[e.caseID] ?? "", "policy": e.key.cycle.policy,
                    "subject": e.key.cycle.subject.description, "stage": e.key.step.stage, "repeat": e.key.step.repeatNumber,
                    "outcome": e.outcome.rawValue, "due": e.due.rfc3339, "fired_at": e.firedAt.rfc3339,
                ]
                if let a = e.action { o["action"] = a.rawValue }
                if e.outcome == .fired {
                    o["recipients"] = e.recipients
                    o["deliveries"] = ds.map { d -> [String: Any] in
                        var x: [String: Any] = ["channel": d.channel, "recipient": d.recipient, "status": d.status, "attempts": d.attempts]
                        if let at = d.deliveredAt { x["delivered_at"] = at.rfc3339 }
                        if let err = d.lastError { x["last_error"] = err }
                        if let m = d.medium { x["medium"] = m }
                        if let r = Self.reason(d) { x["reason"] = r }
                        return x
                    }
                }
                if explain, let x = e.explanation { o["explanation"] = x }
                Output.standard.line(try JSONLine.encode(o))
                continue
            }
            let what = e.outcome == .skipped ? "skipped" : (e.action?.rawValue ?? "fired")
            let staff = ds.filter { $0.channel != DeliveryPlan.clientChannel }
            let sent = staff.isEmpty ? "" : "  " + staff.map { "\($0.channel):\($0.status)" }.joined(separator: " ")
            Output.standard.line("\(zone.format(e.firedAt))  \(numbers[e.caseID] ?? e.caseID)  \(e.key.cycle.policy) \(e.key.step)  "
                + "\(what)  \(e.key.cycle.subject)  \(e.fireID.prefix(12))\(sent)")
            // A client message per contact: by which medium, or why not (never the contact's address).
            for d in ds where d.channel == DeliveryPlan.clientChannel {
                let who = Contact.id(fromRecipient: d.recipient).map { "contact \($0)" } ?? d.recipient
                Output.standard.line("    client \(who): \(d.status)" + (d.medium.map { " by \($0)" } ?? "")
                    + (Self.reason(d).map { ": \($0)" } ?? ""))
            }
            if explain, let x = e.explanation {
                for line in x.split(separator: "\n") { Output.standard.line("    " + line) }
            }
        }
    }

    /// Why a client message waits or did not go: the hold's reason, or the cancellation's (or refusal's).
    static func reason(_ d: QueuedDelivery) -> String? {
        guard d.channel == DeliveryPlan.clientChannel else { return nil }
        if d.status == "pending" { return d.holdReason.map { "held: \($0)" } ?? d.lastError }
        return d.status == "delivered" ? nil : d.lastError
    }

    private func caseNumbers(_ store: any FirmStore, _ ids: Set<String>) async throws -> [String: String] {
        if ids.isEmpty { return [:] }
        let snap = try await store.snapshot(caseIDs: Array(ids), detail: .evaluation, people: false)
        return Dictionary(snap.cases.map { ($0.id, $0.number) }, uniquingKeysWith: { a, _ in a })
    }
}
