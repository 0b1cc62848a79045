import Systemd
import TicklerConfig
import TicklerPostgres
import TicklerStore

/// The one place a store is opened, for `ticklerd`, the `tickler` commands and `tickler-inbound`: a SQLite
/// file, or a PostgreSQL database with its password from the credential the configuration names
/// (`$CREDENTIALS_DIRECTORY/NAME`), its sessions named for the program (or the daemon instance) using it.
public enum StoreOpener {
    /// An opened store and which it is (the daemon's tick differs by store; everything else uses `store`).
    public enum Opened: Sendable {
        case sqlite(SQLiteCaseStore, path: String)
        case postgres(PostgresCaseStore)

        public var store: any FirmStore {
            switch self {
            case .sqlite(let s, _): s
            case .postgres(let p): p
            }
        }

        public var sqlite: SQLiteCaseStore? {
            if case .sqlite(let s, _) = self { s } else { nil }
        }

        public var postgres: PostgresCaseStore? {
            if case .postgres(let p) = self { p } else { nil }
        }

        /// The store's name in messages: its file, or its URL without a password.
        public var displayName: String {
            switch self {
            case .sqlite(_, let path): path
            case .postgres(let p): p.settings.displayURL
            }
        }
    }

    /// How a program uses the store.
    public struct Use: Sendable {
        /// The name its PostgreSQL sessions carry (an instance tells from them whether another is alive).
        public var instance: String
        /// Create a SQLite file (and its schema) when there is none.
        public var create = false
        /// How long a SQLite write waits for another's lock.
        public var busyTimeout: Duration = .seconds(10)
        /// PostgreSQL sessions at most.
        public var maximumConnections = 4
        /// A service instance's lease (`store.lease`), in seconds: the server ends a transaction left open
        /// longer (a stalled instance's claims), and a statement unanswered for two leases fails (the
        /// database is out of reach) instead of waiting on TCP. Nil for a command.
        public var lease: Int?
        public var credentials = Credentials()

        public init(instance: String, create: Bool = false) {
            self.instance = instance
            self.create = create
        }
    }

    public static func open(_ location: StoreLocation, _ use: Use) async throws(StoreUnavailable) -> Opened {
        switch location {
        case .sqlite(let path):
            return .sqlite(try SQLiteCaseStore(path: path, create: use.create, busyTimeout: use.busyTimeout), path: path)
        case .postgres(let url, let credential):
            var password: String?
            if let credential {
                do { password = try use.credentials.secret(credential) } catch {
                    throw StoreUnavailable("cannot read the store's password: \(error)")
                }
            }
            var settings = PostgresSettings(host: url.host, port: url.port, user: url.user, database: url.database,
                                            tls: PostgresSettings.TLSMode(rawValue: url.sslMode) ?? .verifyFull,
                                            rootCertificate: url.rootCertificate, password: password)
            settings.applicationName = use.instance
            settings.maximumConnections = use.maximumConnections
            if let lease = use.lease {
                settings.idleInTransactionTimeout = .seconds(lease)
                settings.answerDeadline = .seconds(2 * lease)
            }
            return .postgres(try await PostgresCaseStore(settings, instance: use.instance))
        }
    }

    /// A command's store (`tickler`, `tickler-inbound`).
    public static func open(_ location: StoreLocation, create: Bool, instance: String) async throws(StoreUnavailable) -> any FirmStore {
        try await open(location, Use(instance: instance, create: create)).store
    }
}
