import ArgumentParser
import Foundation
import TicklerCore

/// `tickler`: the operator's command line. Exit codes: 0 ok, 1 invalid input or config, 2 usage error,
/// 3 store or channel unreachable.
public struct TicklerCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "tickler",
        abstract: "Check, preview and feed the Tickler follow-up daemon.",
        discussion: "Exit status: 0 ok, 1 invalid input or configuration, 2 usage error, 3 store or channel unreachable.",
        version: TicklerVersion.string,
        subcommands: [CheckConfig.self, Import.self, Plan.self, Simulate.self, Status.self, History.self, SnoozeCommand.self,
                      SnoozesCommand.self, UnsnoozeCommand.self, AckCommand.self, DiffConfig.self, DeadlineCommand.self,
                      CalendarImpact.self, ClosureCommand.self, TestChannel.self, DemoData.self, MigrateStore.self, CancelCommand.self,
                      ConsentsCommand.self, ClientPreview.self, DoneCommand.self, SyncCommand.self, TestMailbox.self])

    public init() {}

    /// Runs `tickler` with `arguments` and returns the process exit status.
    public static func run(arguments: [String]) async -> Int32 {
        do {
            var command = try parseAsRoot(arguments)
            if var async = command as? any AsyncParsableCommand {
                try await async.run()
            } else {
                try command.run()
            }
            Output.standard.flush()
            return 0
        } catch let failure as CommandFailure {
            Output.standard.flush()
            if !failure.message.isEmpty { Output.error(failure.message) }
            return failure.exitCode
        } catch {
            Output.standard.flush()
            let code = exitCode(for: error)
            let message = fullMessage(for: error)
            if code == .success {
                if !message.isEmpty { print(message) }
                return 0
            }
            if !message.isEmpty { Output.error(message) }
            // ArgumentParser reports usage errors as EX_USAGE (64); the contract says 2.
            return code == .validationFailure ? 2 : code.rawValue
        }
    }
}

/// A command that ends with a message and one of the contract's exit codes.
public struct CommandFailure: Error {
    public var message: String
    public var exitCode: Int32

    /// Exit 1: the input or the configuration is invalid.
    public static func invalid(_ message: String) -> CommandFailure { CommandFailure(message: message, exitCode: 1) }
    /// Exit 2: the command line is wrong.
    public static func usage(_ message: String) -> CommandFailure { CommandFailure(message: message, exitCode: 2) }
    /// Exit 3: the store or a channel is unreachable.
    public static func unavailable(_ message: String) -> CommandFailure { CommandFailure(message: message, exitCode: 3) }
}
