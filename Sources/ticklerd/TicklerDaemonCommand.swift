import ArgumentParser
import Foundation
import Logging
import Systemd
import TicklerConfig
import TicklerCore
import TicklerDaemon

/// `ticklerd`: the follow-up and escalation daemon. Under systemd (`Type=notify`) it reports READY only
/// after the configuration is valid, the store is migrated and the first evaluation is done.
@main
struct TicklerDaemonCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ticklerd", abstract: "The Tickler follow-up and escalation daemon.",
        discussion: "Exit status: 0 stopped cleanly, 1 invalid configuration, 3 store unreachable.")

    @Option(help: "The configuration file.")
    var config = "/etc/tickler/tickler.yaml"

    @Flag(help: "Run one evaluation, record and journal what fires, and exit.")
    var once = false

    func run() async throws {
        let underSystemd = ProcessInfo.processInfo.environment["NOTIFY_SOCKET"] != nil
            || ProcessInfo.processInfo.environment["JOURNAL_STREAM"] != nil
        LoggingSystem.bootstrap { _ in
            var handlers: [any LogHandler] = []
            if Journal.isAvailable { handlers.append(JournalLogHandler(identifier: "ticklerd")) }
            if !underSystemd || !Journal.isAvailable { handlers.append(ConsoleLogHandler()) }
            return MultiplexLogHandler(handlers)
        }
        let events = EventLog(logger: Logger(label: "ticklerd"))
        let wedge = ProcessInfo.processInfo.environment["TICKLER_TEST_WEDGE_AFTER_TICKS"].flatMap(Int.init)
        let options = Daemon.Options(configPath: config, now: { Instant(seconds: Int64(Date().timeIntervalSince1970)) },
                                     notifier: ServiceNotifier(), events: events, wedgeAfterTicks: wedge)
        let daemon: Daemon
        do {
            daemon = try await Daemon(options: options)
        } catch {
            // Each located error on its own line (also in the journal when it is there).
            FileHandle.standardError.write(Data((error.description + "\n").utf8))
            if case .configuration(let e) = error {
                events.record(.reloadFailed, "ticklerd cannot start, the configuration is invalid:\n\(e.description)",
                              ["config": "\(config)", "config_errors": .array(e.diagnostics.map { .string($0.description) })])
                throw ExitCode(1)
            }
            throw ExitCode(3)
        }
        if once { return }
        await ServiceLoop.run(daemon)
    }
}
