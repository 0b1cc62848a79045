import ArgumentParser
import Foundation
import TicklerConfig
import TicklerCore
import TicklerStore

/// `tickler done TASK --reason TEXT`: closes a staff task (a client message Tickler could not send) by its
/// id or a unique prefix of an open task's id. The task keeps who closed it and why; its case is evaluated
/// again, so the policy that tells staff about it stops.
struct DoneCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "done", abstract: "Close a staff task.")

    @OptionGroup var options: CommonOptions
    @Argument(help: "The task id (as `tickler status` lists it), or a unique prefix of an open task's id.") var task: String
    @Option(help: "What was done (recorded with who closed it).") var reason: String

    func run() async throws {
        let config = try options.loadConfiguration()
        let store = try await options.openStore(config)
        let why = reason.trimmingCharacters(in: .whitespaces)
        guard !why.isEmpty else { throw CommandFailure.invalid("error: --reason must say what was done") }
        let open = try await store.staffTasks(caseID: nil, includeDone: false)
        let matches = open.filter { $0.id.hasPrefix(task) }
        let id: String
        switch matches.count {
        case 1: id = matches[0].id
        case 0:
            // Perhaps done already: say when and by whom.
            let all = try await store.staffTasks(caseID: nil, includeDone: true).filter { $0.id == task }
            if let t = all.first, let at = t.doneAt {
                throw CommandFailure.invalid("error: task \(t.id) was closed at \(at) by \(t.doneBy ?? "?"): \(t.doneReason ?? "")")
            }
            throw CommandFailure.invalid("error: no open staff task '\(task)'")
        default:
            throw CommandFailure.invalid("error: '\(task)' names \(matches.count) open tasks: "
                + matches.map(\.id).joined(separator: ", "))
        }
        guard let t = try await store.closeStaffTask(id: id, by: Invoker.userName, reason: why, now: TimeArgument.wallClock) else {
            throw CommandFailure.invalid("error: no open staff task '\(task)'")
        }
        Output.standard.line("closed task \(t.id) on case \(t.caseID) by \(Invoker.userName): \(why)")
    }
}
