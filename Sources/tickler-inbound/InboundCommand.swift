import ArgumentParser
import Foundation
import Logging
import Systemd
import TicklerClio
import TicklerConfig
import TicklerCore
import TicklerInbound
import TicklerJournal
import TicklerSession
import TicklerStore

/// `tickler-inbound`: receives clients' replies from the SMS gateway (its inbound-message webhook), checks
/// each request's signature, and writes what clients sent as inbound communications of their cases;
/// applies opt-out keywords at once. Started by systemd on the first connection to its socket.
@main
struct InboundCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tickler-inbound",
        abstract: "Receive clients' text replies from the SMS gateway and record them on their cases.",
        discussion: """
            Under systemd it serves the socket of tickler-inbound.socket (socket activation); --listen serves an
            address of its own instead. The gateway's auth token is read from the credentials directory.
            """)

    @Option(help: "The configuration file.")
    var config = "/etc/tickler/tickler.yaml"

    @Option(help: "HOST:PORT to listen on, instead of the socket systemd passes.")
    var listen: String?

    @Option(help: "Seconds a request waits for the store before it is answered and kept in the spool for later.")
    var storeWait = 5

    @Option(help: "Where signed requests are kept until the store takes them (default: inbound-spool in $STATE_DIRECTORY, else /var/lib/tickler).")
    var spool: String?

    func run() async throws {
        let loaded: Configuration
        do { loaded = try ConfigurationLoader.load(path: config) } catch {
            FileHandle.standardError.write(Data((error.description + "\n").utf8))
            throw ExitCode(1)
        }
        let where_ = try listenTarget()
        // As ticklerd: entries go to journald directly, and to standard error only for a person at a terminal
        // (under systemd standard error is the journal too, and each entry would be there twice).
        let env = ProcessInfo.processInfo.environment
        let underSystemd = env["NOTIFY_SOCKET"] != nil || env["JOURNAL_STREAM"] != nil
        let journal = Journal.isAvailable
        LoggingSystem.bootstrap { _ in
            !underSystemd || !journal ? ConsoleLogHandler() as any LogHandler : SwiftLogNoOpLogHandler()
        }
        let logger = Logger(label: "tickler-inbound")
        var events = EventLog(logger: logger, journal: journal ? "tickler-inbound" : nil)
        events.includesClient = loaded.journalIncludesClient
        let credentials = Credentials(directory: ProcessInfo.processInfo.environment["CREDENTIALS_DIRECTORY"])
        let receivesReplies = loaded.clients?.inbound != nil
        guard receivesReplies || loaded.clio != nil else {
            fail("the configuration has neither clients.inbound nor sync.clio: there is nothing to receive")
        }
        var token = ""
        if receivesReplies {
            guard let smsName = loaded.clients?.channels[.sms], case .sms(let sms)? = loaded.channels[smsName] else {
                fail("the configuration names no sms channel in clients.channels: replies cannot be received")
            }
            do { token = try credentials.secret(sms.authTokenCredential) } catch { fail("\(error)") }
        }
        let store: any FirmStore
        do { store = try await StoreOpener.open(loaded.store, create: false, instance: "tickler-inbound") } catch {
            FileHandle.standardError.write(Data("tickler-inbound: the store cannot be opened: \(error)\n".utf8))
            throw ExitCode(3)
        }
        var service: InboundService?
        if receivesReplies {
            let kept: InboundSpool
            let spoolDirectory = spool ?? ((env["STATE_DIRECTORY"]?.split(separator: ":").first.map(String.init) ?? "/var/lib/tickler")
                + "/inbound-spool")
            do { kept = try InboundSpool(directory: spoolDirectory) } catch { fail(error.description) }
            do {
                service = try InboundService(config: loaded, authToken: token, store: store, spool: kept,
                                             storeDeadline: .seconds(max(1, storeWait)), events: events, now: { SystemClock().now })
            } catch {
                fail(error.description)
            }
        }
        var clio: ClioWebhookReceiver?
        if let settings = loaded.clio {
            guard let mapping = ClioMapping(defaults: .init(language: settings.language, timeZone: settings.timeZone)) else {
                fail("sync.clio's time zone '\(settings.timeZone)' is not a time zone")
            }
            clio = ClioWebhookReceiver(store: store, mapping: mapping, now: { SystemClock().now })
        }
        let settings = loaded.clients?.inbound ?? ClientSettings.Inbound(publicURL: "")
        let limits = InboundServer.Limits(connections: Self.connectionBound(settings.maxConnections),
                                          idle: .seconds(settings.idleTimeout), request: .seconds(settings.requestTimeout))
        let notifier = ServiceNotifier()
        let listening = self.listen != nil
        let what = [service != nil ? "client replies" : nil, clio != nil ? "Clio webhooks" : nil].compactMap { $0 }.joined(separator: " and ")
        let log = events
        let server = InboundServer(service: service, clio: clio, limits: limits, logger: logger) { Self.journal($0, log) }
        try await withThrowingTaskGroup { group in
            group.addTask {
                try await server.run(where_) { port in
                    notifier.notify(.ready, .status("receiving \(what)"))
                    // Tests listen on port 0 and read the port from the first line.
                    if listening { FileHandle.standardOutput.write(Data("PORT \(port)\n".utf8)) }
                }
            }
            if let service { group.addTask { await Self.maintain(service) } }
            try await group.next()
            group.cancelAll()
        }
    }

    /// A Clio delivery's journal entry: a record skipped (model and id) or a refusal; nothing of a client.
    static func journal(_ outcome: ClioWebhookReceiver.Outcome, _ events: EventLog) {
        switch outcome {
        case .skipped(let s):
            events.record(.syncRecordSkipped, "Clio webhook: skipped \(s)",
                          ["clio_model": .string(s.model.rawValue), "clio_id": .string(s.clioID.map(String.init) ?? ""), "reason": .string(s.reason)])
        case .refused(let reason):
            events.logger.debug("Clio webhook refused: \(reason)")
        case .storeFailed:
            events.logger.warning("Clio webhook: the store did not take it; Clio delivers again later")
        case .handshake, .written, .current, .deleted:
            break
        }
    }

    /// What the receiver does besides answering: applies what the spool kept (at start, then with backoff
    /// while the store fails), and journals the refusals counted in each minute.
    static func maintain(_ service: InboundService) async {
        let retry = RetryPolicy(base: 1, cap: 30)
        var failures = 0
        while !Task.isCancelled {
            if await service.applyKept() { failures = 0 } else { failures += 1 }
            service.flushRefusals()
            let wait = failures == 0 ? 1 : retry.delay(afterFailures: failures, jitter: Double.random(in: 0..<1))
            try? await Task.sleep(for: .seconds(wait))
        }
    }

    /// The connections served at once: as configured, but within the descriptors the process may open
    /// (64 kept for the store, the journal and the listener), so that one more is answered 503, not
    /// left unaccepted.
    static func connectionBound(_ configured: Int) -> Int {
        var limit = rlimit()
        guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0 else { return configured }
        return max(1, min(configured, Int(limit.rlim_cur) - 64))
    }

    private func listenTarget() throws -> InboundServer.Listen {
        if let listen {
            guard let colon = listen.lastIndex(of: ":"), let port = Int(listen[listen.index(after: colon)...]), (0...65_535).contains(port)
            else { throw ValidationError("--listen takes HOST:PORT") }
            return .address(host: String(listen[..<colon]), port: port)
        }
        // Socket activation: systemd passes the listening socket as fd 3 (LISTEN_FDS=1, LISTEN_PID=ours).
        let env = ProcessInfo.processInfo.environment
        guard env["LISTEN_PID"] == "\(getpid())", env["LISTEN_FDS"] == "1" else {
            throw ValidationError("no socket from systemd (start tickler-inbound.socket) and no --listen")
        }
        return .socket(3)
    }

    private func fail(_ message: String) -> Never {
        FileHandle.standardError.write(Data("tickler-inbound: \(message)\n".utf8))
        Foundation.exit(1)
    }
}
