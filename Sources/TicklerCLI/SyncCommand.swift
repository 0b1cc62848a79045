import ArgumentParser
import Foundation
import Logging
import Systemd
import TicklerClio
import TicklerConfig
import TicklerCore
import TicklerJournal
import TicklerMail
import TicklerStore

/// `tickler sync`: follow the firm's practice-management system.
struct SyncCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sync", abstract: "Bring the firm's practice-management records into the case tables.", subcommands: [SyncClio.self, SyncMail.self, SyncAll.self])
}

/// `tickler sync clio --once`: every user, matter (with its client), calendar entry, task and logged call or
/// email of the Clio account in `sync.clio`, page by page, each page written in one transaction through the
/// store's writer (rows upserted by id, so the daemon sees them through its change feed). A record that
/// cannot be mapped is skipped with one warning naming its model, id and why.
struct SyncClio: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "clio",
        abstract: "Read the Clio account's records into the case tables.",
        discussion: """
            With --once: one pass over every record, then exit (for a systemd timer). Without it, a service: \
            subscribes Clio's webhooks (delivered to tickler-inbound) and renews them before they expire, and \
            reconciles every sync.clio.reconcile; each run resumes where the last stopped. The secrets named by \
            sync.clio are read from $CREDENTIALS_DIRECTORY (or --credentials-directory).
            """)

    @OptionGroup var options: CommonOptions

    @Flag(help: "One pass over every record, then exit.")
    var once = false

    @Option(help: "Where the credentials are (default: $CREDENTIALS_DIRECTORY).")
    var credentialsDirectory: String?

    func run() async throws {
        let config = try options.loadConfiguration()
        let (sync, api, service) = try await Self.prepare(config, options: options, credentialsDirectory: credentialsDirectory)
        if !once {
            SyncLogging.bootstrap()
            return try await Self.serve(service, events: SyncLogging.events(), notifier: ServiceNotifier(), ready: true)
        }
        try await Self.once(sync, api: api)
    }

    /// The sync of `config.clio`, its secrets read from the credentials (each missing one a located error).
    static func prepare(_ config: Configuration, options: CommonOptions, credentialsDirectory: String?) async throws
        -> (ClioSync, ClioAPI, ClioSyncService) {
        guard let clio = config.clio else { throw CommandFailure.invalid("error: \(config.path) has no sync.clio") }
        let credentials = Credentials(directory: credentialsDirectory ?? ProcessInfo.processInfo.environment["CREDENTIALS_DIRECTORY"])
        var secrets: [String] = []
        var problems: [Diagnostic] = []
        for ref in [clio.clientSecretCredential, clio.refreshTokenCredential] {
            do {
                let value = try credentials.secret(ref.name)
                if value.isEmpty { problems.append(ref.location.error("credential '\(ref.name)' of sync.clio is empty")) }
                secrets.append(value)
            } catch {
                problems.append(ref.location.error("\(error) (sync.clio)"))
            }
        }
        if !problems.isEmpty { throw CommandFailure.invalid(ConfigurationError(diagnostics: problems).description) }
        guard let mapping = ClioMapping(defaults: .init(language: clio.language, timeZone: clio.timeZone)) else {
            throw CommandFailure.invalid("error: sync.clio's time zone '\(clio.timeZone)' is not a time zone")
        }
        let store = try await options.openStore(config, create: true)
        let api = ClioAPI(account: .init(apiURL: clio.apiURL, tokenURL: clio.tokenURL, clientID: clio.clientID, clientSecret: secrets[0],
                                         refreshToken: secrets[1]), perMinute: clio.requestsPerMinute)
        let sync = ClioSync(api: api, store: store, mapping: mapping, clock: SystemClock())
        return (sync, api, ClioSyncService(sync: sync, webhookURL: clio.webhookURL, reconcile: Int64(clio.reconcile)))
    }

    /// One pass, its outcome printed.
    static func once(_ sync: ClioSync, api: ClioAPI) async throws {
        let store = sync.store, clock = sync.clock
        let previous = try await store.syncRun(source: ClioSync.source)
        var run = SyncRun(source: ClioSync.source, startedAt: clock.now, syncedFrom: previous?.syncedFrom, error: previous?.error,
                          errorSince: previous?.errorSince)
        try await store.saveSyncRun(run)
        do {
            let outcome = try await sync.pass { Output.error("warning: \($0)") }
            run.finishedAt = clock.now
            (run.written, run.current, run.skipped) = (outcome.written, outcome.current, outcome.skipped)
            run.requests = await api.requests
            run.syncedFrom = outcome.syncedFrom
            (run.error, run.errorSince) = (nil, nil)
            try await store.saveSyncRun(run)
        } catch let failure as ClioAPI.Failure {
            run.finishedAt = clock.now
            run.requests = await api.requests
            run.error = failure.description
            run.errorSince = run.errorSince ?? run.startedAt
            try? await store.saveSyncRun(run)
            throw CommandFailure.unavailable("error: \(failure)")
        } catch {
            // The store failed (the pass resumes from its cursors next time).
            run.finishedAt = clock.now
            run.error = ClioSyncService.reason(error)
            run.errorSince = run.errorSince ?? run.startedAt
            try? await store.saveSyncRun(run)
            throw CommandFailure.unavailable("error: cannot write the store: \(error)")
        }
        Output.standard.write(Array(("synced \(run.written) records from Clio (\(run.current) already current) in \(run.requests) requests; "
            + "\(run.skipped) skipped\n").utf8))
    }

    /// The service: journals what it does (nothing of a client: records by model and id), tells systemd it
    /// is ready once it runs (`ready`: this is the process's only service), and stops when killed (each page
    /// is its own transaction: the next start resumes).
    static func serve(_ service: ClioSyncService, events: EventLog, notifier: ServiceNotifier, ready: Bool) async throws {
        if ready { _ = notifier.notify(.ready, .status("following Clio")) }
        try await service.run { event in
            switch event {
            case .outage(let reason):
                events.record(.syncOutage, "Clio sync failing: \(reason)", ["reason": .string(reason)])
                _ = notifier.notify(.status("Clio unreachable: \(reason)"))
            case .recovered(let seconds):
                events.record(.syncRecovered, "Clio sync recovered after \(seconds) s", ["duration_s": .stringConvertible(seconds)])
                _ = notifier.notify(.status("following Clio"))
            case .passed(let o, let requests):
                events.record(.syncPassed, "Clio sync: \(o.written) records written, \(o.current) current, \(o.skipped) skipped in \(requests) requests",
                              ["written": .stringConvertible(o.written), "current": .stringConvertible(o.current),
                               "skipped": .stringConvertible(o.skipped), "requests": .stringConvertible(requests)])
            case .skipped(let s):
                events.record(.syncRecordSkipped, "Clio sync skipped \(s)",
                              ["clio_model": .string(s.model.rawValue), "clio_id": .string(s.clioID.map(String.init) ?? ""), "reason": .string(s.reason)])
            case .subscribed(let model, let expiresAt):
                events.record(.syncWebhook, "Clio webhook for \(model) until \(expiresAt.rfc3339)",
                              ["clio_model": .string(model), "expires_at": .string(expiresAt.rfc3339)])
            }
        }
    }
}

/// The logging of a sync service: to the journal under systemd, else to the console; set once per process.
enum SyncLogging {
    static func bootstrap() {
        let env = ProcessInfo.processInfo.environment
        let underSystemd = env["NOTIFY_SOCKET"] != nil || env["JOURNAL_STREAM"] != nil
        let journal = Journal.isAvailable
        LoggingSystem.bootstrap { _ in !underSystemd || !journal ? ConsoleLogHandler() as any LogHandler : SwiftLogNoOpLogHandler() }
    }

    static func events() -> EventLog {
        EventLog(logger: Logger(label: "tickler-sync"), journal: Journal.isAvailable ? "tickler-sync" : nil)
    }
}

/// `tickler sync all`: every configured source (sync.clio, mailboxes) as one service, so that one hardened
/// unit (tickler-sync.service) holds the firm's outside connections. Each runs as its own command would;
/// one that fails to start stops the service (systemd restarts it).
struct SyncAll: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "all",
        abstract: "Follow every configured source (Clio, the mailboxes) as one service.",
        discussion: "The secrets of sync.clio and of each mailbox are read from $CREDENTIALS_DIRECTORY (or --credentials-directory).")

    @OptionGroup var options: CommonOptions

    @Option(help: "Where the credentials are (default: $CREDENTIALS_DIRECTORY).")
    var credentialsDirectory: String?

    func run() async throws {
        let config = try options.loadConfiguration()
        guard config.clio != nil || !config.mailboxes.isEmpty else {
            throw CommandFailure.invalid("error: \(config.path) has neither sync.clio nor mailboxes")
        }
        let clio = config.clio == nil ? nil : try await SyncClio.prepare(config, options: options, credentialsDirectory: credentialsDirectory).2
        let mail = config.mailboxes.isEmpty ? nil : try await SyncMail.prepare(config, options: options, credentialsDirectory: credentialsDirectory)
        SyncLogging.bootstrap()
        let events = SyncLogging.events()
        let notifier = ServiceNotifier()
        var following: [String] = []
        if clio != nil { following.append("Clio") }
        if let mail { following.append("\(mail.mailboxes.count) mailbox\(mail.mailboxes.count == 1 ? "" : "es")") }
        _ = notifier.notify(.ready, .status("following " + following.joined(separator: " and ")))
        try await withThrowingTaskGroup(of: Void.self) { group in
            if let clio { group.addTask { try await SyncClio.serve(clio, events: events, notifier: notifier, ready: false) } }
            if let mail { group.addTask { try await SyncMail.serve(mail, events: events, notifier: notifier, ready: false) } }
            try await group.next()
            group.cancelAll()
        }
    }
}
