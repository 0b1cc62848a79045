import ArgumentParser
import Foundation
import Logging
import Systemd
import TicklerCLI
import TicklerConfig
import TicklerCore
import TicklerDaemon
import TicklerInbound
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

    func run() async throws {
        let loaded: Configuration
        do { loaded = try ConfigurationLoader.load(path: config) } catch {
            FileHandle.standardError.write(Data((error.description + "\n").utf8))
            throw ExitCode(1)
        }
        let where_ = try listenTarget()
        let logger = Logger(label: "tickler-inbound")
        var events = EventLog(logger: logger, journal: "tickler-inbound")
        events.includesClient = loaded.journalIncludesClient
        let credentials = Credentials(directory: ProcessInfo.processInfo.environment["CREDENTIALS_DIRECTORY"])
        guard let smsName = loaded.clients?.channels[.sms], case .sms(let sms)? = loaded.channels[smsName] else {
            fail("the configuration names no sms channel in clients.channels: replies cannot be received")
        }
        let token: String
        do { token = try credentials.secret(sms.authTokenCredential) } catch { fail("\(error)") }
        let store: any ClientDirectory
        do { store = try await StoreOpener.open(loaded.store, create: false, instance: "tickler-inbound") } catch {
            FileHandle.standardError.write(Data("tickler-inbound: the store cannot be opened: \(error)\n".utf8))
            throw ExitCode(3)
        }
        let service: InboundService
        do { service = try InboundService(config: loaded, authToken: token, store: store, events: events, now: { SystemClock().now }) } catch {
            fail(error.description)
        }
        let notifier = ServiceNotifier()
        try await InboundServer(service: service).run(where_) { port in
            notifier.notify(.ready, .status("receiving client replies"))
            // Tests listen on port 0 and read the port from the first line.
            if self.listen != nil { FileHandle.standardOutput.write(Data("PORT \(port)\n".utf8)) }
        }
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
