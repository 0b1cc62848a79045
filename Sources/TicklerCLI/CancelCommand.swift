import ArgumentParser
import Foundation
import TicklerConfig
import TicklerCore
import TicklerStore

/// `tickler cancel FIRE_ID --reason TEXT`: stops the client messages of a fire that have not gone yet
/// (inside their undo window, or held by quiet hours). The queue keeps who cancelled them and why.
struct CancelCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "cancel", abstract: "Cancel a fire's client messages not sent yet.")

    @OptionGroup var options: CommonOptions
    @Argument(help: "The fire id (journal field TICKLER_FIRE_ID), or a unique prefix of it (`tickler history` prints 12 digits).")
    var fire: String
    @Option(help: "Why (recorded with who cancelled).") var reason: String

    func run() async throws {
        let config = try options.loadConfiguration()
        let store = try await options.openStore(config)
        guard !reason.trimmingCharacters(in: .whitespaces).isEmpty else { throw CommandFailure.invalid("error: --reason must say why") }
        let prefix = self.fire.lowercased()
        guard prefix.count >= 4, prefix.allSatisfy(\.isHexDigit) else {
            throw CommandFailure.invalid("error: '\(self.fire)' is not a fire id: hex digits, at least 4 of them")
        }
        let matches = try await store.fireIDs(prefix: prefix, limit: 6)
        guard matches.count <= 1 else {
            throw CommandFailure.invalid("error: '\(self.fire)' names more than one fire: \(matches.prefix(5).joined(separator: ", "))"
                + (matches.count > 5 ? ", …" : "") + "; give more of its digits")
        }
        guard let fireID = matches.first, let fire = try await store.ledgerEntry(fireID: fireID), fire.outcome == .fired else {
            throw CommandFailure.invalid("error: no fire '\(self.fire)' in the ledger")
        }
        let cancelled = try await store.cancelClientMessages(fireID: fireID,
                                                              reason: "cancelled by staff (\(Invoker.userName)): \(reason)")
        guard cancelled > 0 else {
            let queued = try await store.deliveries(of: [fireID])[fireID, default: []].filter { $0.channel == DeliveryPlan.clientChannel }
            throw CommandFailure.invalid(queued.isEmpty
                ? "error: fire \(fireID) sends nothing to clients"
                : "error: fire \(fireID)'s client messages are no longer waiting: "
                    + queued.map { "\($0.recipient) \($0.status)" }.joined(separator: ", "))
        }
        Output.standard.line("cancelled \(cancelled) client message\(cancelled == 1 ? "" : "s") of fire \(fireID) "
            + "(\(fire.key.cycle.policy) on case \(fire.caseID)) by \(Invoker.userName): \(reason)")
    }
}
