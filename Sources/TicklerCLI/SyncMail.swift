import ArgumentParser
import Foundation
import Logging
import Systemd
import TicklerConfig
import TicklerCore
import TicklerJournal
import TicklerMail
import TicklerStore

/// `tickler sync mail [--once]`: the firm's mailboxes into the case tables' communications. Only who wrote to
/// whom and when is recorded (docs/mailboxes.md): no subject, no body, no address.
struct SyncMail: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mail",
        abstract: "Record the firm's client emails (who wrote to whom, and when) from its mailboxes.",
        discussion: """
            With --once: read every mailbox's new mail, then exit (for a systemd timer). Without it, a service: \
            reads, then waits for new mail (IMAP IDLE where the server offers it, else each mailbox's poll \
            interval), and reads again; an unreachable server is journaled once and retried. The mailboxes' \
            secrets are read from $CREDENTIALS_DIRECTORY (or --credentials-directory).
            """)

    @OptionGroup var options: CommonOptions

    @Flag(help: "Read every mailbox once, then exit.")
    var once = false

    @Option(help: "Where the credentials are (default: $CREDENTIALS_DIRECTORY).")
    var credentialsDirectory: String?

    func run() async throws {
        let config = try options.loadConfiguration()
        let service = try await Self.prepare(config, options: options, credentialsDirectory: credentialsDirectory)
        if !once {
            SyncLogging.bootstrap()
            return try await Self.serve(service, events: SyncLogging.events(), notifier: ServiceNotifier(), ready: true)
        }
        let reader = service.reader, mailboxes = service.mailboxes, clock = reader.clock
        // The store `prepare` opened: a firm store, which keeps the runs too.
        guard let store = reader.store as? any FirmStore else { throw CommandFailure.unavailable("error: the store keeps no runs") }
        let previous = try await store.syncRun(source: MailService.source)
        var run = SyncRun(source: MailService.source, startedAt: clock.now, syncedFrom: previous?.syncedFrom, error: previous?.error,
                          errorSince: previous?.errorSince)
        do {
            let o = try await reader.pass(mailboxes)
            run.finishedAt = clock.now
            (run.written, run.skipped, run.requests, run.syncedFrom) = (o.recorded, o.ignoredCount, o.read, run.startedAt)
            (run.error, run.errorSince) = (nil, nil)
            try await store.saveSyncRun(run)
            for folder in o.revalidated { Output.error("warning: \(folder) was recreated (its UIDVALIDITY changed): read again from the look-back window") }
            Output.standard.write(Array((Self.summary(o) + "\n").utf8))
        } catch {
            run.finishedAt = clock.now
            run.error = "\(error)"
            run.errorSince = run.errorSince ?? run.startedAt
            try? await store.saveSyncRun(run)
            if error is IMAPError { throw CommandFailure.unavailable("error: \(error)") }
            throw CommandFailure.unavailable("error: cannot write the store: \(error)")
        }
    }

    /// `read 12 messages: 3 emails recorded, 1 answered; 8 left out (automated 2, stranger 5, closed 1)`.
    static func summary(_ o: MailReader.Outcome) -> String {
        var s = "read \(o.read) messages: \(o.recorded) emails recorded, \(o.answered) answered; \(o.ignoredCount) left out"
        var parts = MailRouting.Ignored.allCases.compactMap { why in o.ignored[why].map { "\(why.rawValue) \($0)" } }
        if o.undated > 0 { parts.append("undated \(o.undated)") }
        if !parts.isEmpty { s += " (" + parts.joined(separator: ", ") + ")" }
        return s
    }

    /// The mail service of `config.mailboxes`, their secrets read from the credentials (each missing one a
    /// located error).
    static func prepare(_ config: Configuration, options: CommonOptions, credentialsDirectory: String?) async throws -> MailService {
        guard !config.mailboxes.isEmpty else { throw CommandFailure.invalid("error: \(config.path) has no mailboxes") }
        let mailboxes = try MailboxAccess.mailboxes(config.mailboxes, credentialsDirectory: credentialsDirectory)
        let store = try await options.openStore(config, create: true)
        let reader = MailReader(store: store, clock: SystemClock())
        return MailService(reader: reader, mailboxes: mailboxes, poll: Int64(config.mailboxes.map(\.poll).min() ?? 60))
    }

    /// The service: journals each pass's counts, an outage once and its recovery (never an address or a
    /// subject), and tells systemd it is ready once it runs (`ready`: this is the process's only service).
    static func serve(_ service: MailService, events: EventLog, notifier: ServiceNotifier, ready: Bool) async throws {
        if ready { _ = notifier.notify(.ready, .status("reading \(service.mailboxes.count) mailbox\(service.mailboxes.count == 1 ? "" : "es")")) }
        try await service.run { event in
            switch event {
            case .outage(let reason):
                events.record(.mailOutage, "mail sync failing: \(reason)", ["reason": .string(reason)])
                _ = notifier.notify(.status("mail unreachable: \(reason)"))
            case .recovered(let seconds):
                events.record(.mailRecovered, "mail sync recovered after \(seconds) s", ["duration_s": .stringConvertible(seconds)])
                _ = notifier.notify(.status("reading \(service.mailboxes.count) mailbox\(service.mailboxes.count == 1 ? "" : "es")"))
            case .passed(let o):
                guard o.read > 0 || !o.revalidated.isEmpty else { return }
                events.record(.mailRead, "mail sync: " + Self.summary(o),
                              ["read": .stringConvertible(o.read), "recorded": .stringConvertible(o.recorded),
                               "answered": .stringConvertible(o.answered), "ignored": .stringConvertible(o.ignoredCount),
                               "revalidated": .string(o.revalidated.joined(separator: " "))])
            }
        }
    }
}

/// `tickler test-mailbox NAME`: logs in, lists the folders and says what a read would take.
struct TestMailbox: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "test-mailbox",
        abstract: "Log in to a configured mailbox, list its folders and say what tickler sync mail would read.",
        discussion: "Exit status: 0 it works, 1 a configuration or credential error, 3 the server is unreachable or refuses the login.")

    @OptionGroup var options: CommonOptions

    @Argument(help: "The mailbox's name under mailboxes:.")
    var mailbox: String

    @Option(help: "Where the credentials are (default: $CREDENTIALS_DIRECTORY).")
    var credentialsDirectory: String?

    func run() async throws {
        let config = try options.loadConfiguration()
        guard let settings = config.mailboxes.first(where: { $0.name == mailbox }) else {
            throw CommandFailure.invalid("error: no mailbox '\(mailbox)'; the configuration has "
                + (config.mailboxes.isEmpty ? "none" : config.mailboxes.map(\.name).joined(separator: ", ")))
        }
        let m = try MailboxAccess.mailboxes([settings], credentialsDirectory: credentialsDirectory)[0]
        let lines: [String]
        do {
            lines = try await IMAPConnection.open(m.server, login: m.login) { c in
                var out = ["logged in to \(settings.host):\(settings.port) as \(settings.user) (\(c.capabilities.contains("IDLE") ? "IDLE" : "no IDLE: polled every \(settings.poll) s"))"]
                let folders = try await c.folders()
                out.append("folders: " + folders.joined(separator: ", "))
                for (role, names) in [("inbound", m.inbound), ("outbound", m.outbound)] {
                    for f in names {
                        guard folders.contains(f) else {
                            out.append("\(role) \(f): no such folder")
                            continue
                        }
                        let s = try await c.examine(f)
                        out.append("\(role) \(f): \(s.exists) messages; the first read takes those of the last \(settings.lookBackDays) days")
                    }
                }
                return out
            }
        } catch let e as IMAPError {
            throw CommandFailure.unavailable("error: mailbox '\(mailbox)': \(e)")
        }
        Output.standard.write(Array((lines.joined(separator: "\n") + "\n").utf8))
        if lines.contains(where: { $0.hasSuffix(": no such folder") }) { throw ExitCode(1) }
    }
}
