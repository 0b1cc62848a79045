import ArgumentParser
import Foundation
import Logging
import Systemd
import TicklerConfig
import TicklerCore
import TicklerDaemon
import TicklerJournal

/// `ticklerd`: the follow-up and escalation daemon. Under systemd (`Type=notify`) it reports READY once
/// the configuration is valid and the store is migrated; the catch-up over every case follows.
@main
struct TicklerDaemonCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ticklerd", abstract: "The Tickler follow-up and escalation daemon.",
        discussion: "Exit status: 0 stopped cleanly, 1 invalid configuration, 3 store unreachable or held by another ticklerd.",
        version: TicklerVersion.string)

    @Option(help: "The configuration file.")
    var config = "/etc/tickler/tickler.yaml"

    @Flag(help: "Catch up (evaluate every case), record and journal what fires, send what is due, and exit.")
    var once = false

    @Option(name: .customLong("deliver-timeout"),
            help: "With --once: the longest time, in seconds, to spend sending; what is left stays queued.")
    var deliverTimeout = 60

    func validate() throws {
        guard (0...86_400).contains(deliverTimeout) else { throw ValidationError("--deliver-timeout must be from 0 to 86400 seconds") }
    }

    func run() async throws {
        // First: a stop or reload asked for while the configuration is read and the store opened is kept
        // for the daemon, not fatal.
        if !once { SignalPipe.install() }
        let underSystemd = ProcessInfo.processInfo.environment["NOTIFY_SOCKET"] != nil
            || ProcessInfo.processInfo.environment["JOURNAL_STREAM"] != nil
        // Entries go to journald directly (a fire's entry is its journal delivery, so its result is checked),
        // and to standard error for a person at a terminal, or when there is no journald.
        let journal = Journal.isAvailable
        LoggingSystem.bootstrap { _ in
            !underSystemd || !journal ? ConsoleLogHandler() as any LogHandler : SwiftLogNoOpLogHandler()
        }
        var logger = Logger(label: "ticklerd")
        logger.logLevel = .debug  // deliveries are journaled at priority 7 (debug)
        let events = EventLog(logger: logger, journal: journal ? "ticklerd" : nil)
        let options = Daemon.Options(configPath: config, notifier: ServiceNotifier(), events: events)
        let daemon: Daemon
        do {
            daemon = try await Daemon(options: options)
        } catch {
            // Each located error on its own line (also in the journal when it is there).
            FileHandle.standardError.write(Data((error.description + "\n").utf8))
            // A start-up failure is journaled as one, whatever stopped it.
            switch error {
            case .configuration, .templates:
                events.record(.startFailed, "ticklerd cannot start, the configuration is invalid:\n\(error.description)",
                              ["config": "\(config)", "reason": "configuration", "config_errors": .array(error.located.map { .string($0) })])
                throw ExitCode(1)
            case .store, .alreadyRunning:
                events.record(.startFailed, "ticklerd cannot start: \(error.description)", ["config": "\(config)", "reason": "store"])
                throw ExitCode(3)
            }
        }
        if once {
            do { try await daemon.catchUp() } catch {
                FileHandle.standardError.write(Data((error.description + "\n").utf8))
                await daemon.stop(bound: .seconds(5))
                throw ExitCode(3)
            }
            // What is due is sent now; what cannot be (a channel down, later delivery windows) stays queued.
            _ = await daemon.deliverQueued(timeout: .seconds(max(0, deliverTimeout)))
            await daemon.stop(bound: .seconds(5))
            return
        }
        await ServiceLoop.run(daemon)
    }
}
