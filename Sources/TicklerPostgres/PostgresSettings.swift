import NIOSSL
import TicklerCore
import TicklerStore

/// How to reach a PostgreSQL store: what a `postgres://` URL and its credential say, and the limits an
/// instance sets on its own sessions.
public struct PostgresSettings: Sendable, Equatable {
    /// TLS as libpq's `sslmode` names it.
    public enum TLSMode: String, Sendable, CaseIterable {
        case disable, prefer, require
        /// TLS with the server's certificate checked against the trust roots and its name.
        case verifyFull = "verify-full"
    }

    public var host: String
    public var port: Int
    public var user: String
    public var database: String
    public var tls: TLSMode
    /// CA certificates to trust (PEM), instead of the system's (`sslrootcert`).
    public var rootCertificate: String?
    /// From the credential named in the configuration; never from the URL.
    public var password: String?
    /// Shown in `pg_stat_activity` (the instance's identity).
    public var applicationName = "tickler"
    /// The server ends a session that sits in a transaction this long (`idle_in_transaction_session_timeout`):
    /// an instance that stalls mid-claim loses its claims, and its late commit fails.
    public var idleInTransactionTimeout: Duration = .seconds(30)
    /// The longest a statement may run (`statement_timeout`).
    public var statementTimeout: Duration = .seconds(120)
    /// How long this process waits for the server's answer to a statement before it gives the connection up
    /// (a network partition, a server gone without closing): the store call then fails and is retried.
    public var answerDeadline: Duration = .seconds(135)
    public var connectTimeout: Duration = .seconds(10)
    public var maximumConnections = 8

    public init(host: String, port: Int = 5432, user: String, database: String, tls: TLSMode = .verifyFull,
                rootCertificate: String? = nil, password: String? = nil) {
        self.host = host
        self.port = port
        self.user = user
        self.database = database
        self.tls = tls
        self.rootCertificate = rootCertificate
        self.password = password
    }

    /// Whether the password would go unprotected: in the clear (`disable`, `prefer`) or to a certificate
    /// whose name is not checked (`require`), to a host that is not this machine.
    public var exposesPassword: Bool {
        password != nil && tls != .verifyFull && !LoopbackHost.contains(host)
    }

    /// How the server's certificate is checked, as libpq does: `verify-full` checks the chain and the name;
    /// `prefer` and `require` check the chain only when `sslrootcert` names a CA (libpq's verify-ca), else
    /// nothing.
    var certificateVerification: CertificateVerification {
        switch tls {
        case .verifyFull: .fullVerification
        case .prefer, .require: rootCertificate == nil ? .none : .noHostnameVerification
        case .disable: .none
        }
    }

    /// `postgres://user@host:port/db?sslmode=…` without the password (for messages).
    public var displayURL: String {
        let h = host.contains(":") ? "[\(host)]" : host
        return "postgres://\(user)@\(h):\(port)/\(database)?sslmode=\(tls.rawValue)"
    }
}
