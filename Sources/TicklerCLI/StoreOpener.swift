import Systemd
import TicklerConfig
import TicklerStore

/// Opens the store a command works on: a SQLite file, or a PostgreSQL database with its password from the
/// credential the configuration names (`$CREDENTIALS_DIRECTORY/NAME`).
public enum StoreOpener {
    public static func open(_ location: StoreLocation, create: Bool, instance: String) async throws(StoreUnavailable) -> any FirmStore {
        switch location {
        case .sqlite(let path):
            return try SQLiteCaseStore(path: path, create: create)
        case .postgres(let url, let credential):
            var password: String?
            if let credential {
                do { password = try Credentials().secret(credential) } catch {
                    throw StoreUnavailable("cannot read the store's password: \(error)")
                }
            }
            var settings = PostgresSettings(url, password: password)
            settings.applicationName = instance
            settings.maximumConnections = 4
            return try await PostgresCaseStore(settings, instance: instance)
        }
    }
}

extension PostgresSettings {
    /// The settings a configuration's URL gives, with the password read from its credential.
    init(_ url: PostgresURL, password: String?) {
        self.init(host: url.host, port: url.port, user: url.user, database: url.database,
                  tls: TLSMode(rawValue: url.sslMode) ?? .verifyFull, rootCertificate: url.rootCertificate, password: password)
    }
}
