import Testing
@testable import TicklerConfig

/// `store: { postgres: URL, password_credential: NAME }`: the URL is checked where it is written, and a
/// password never comes from the configuration itself.
@Suite struct PostgresStoreConfigTests {
    static let policies = """
        policies:
          - { id: p, clock: { since: opened }, stages: [{ after: 1 day }] }
        """

    @Test func aPostgresStoreNamesItsURLAndPasswordCredential() throws {
        let config = try ConfigurationLoader.parse("""
            store: { postgres: "postgres://tickler@db.firm.test:6543/tickler?sslmode=verify-full&sslrootcert=/etc/ssl/firm-ca.pem", password_credential: pg-password }
            \(Self.policies)
            """, path: "/etc/tickler/tickler.yaml")
        let url = PostgresURL(user: "tickler", host: "db.firm.test", port: 6543, database: "tickler", sslMode: "verify-full",
                              rootCertificate: "/etc/ssl/firm-ca.pem")
        #expect(config.store == .postgres(url, passwordCredential: "pg-password"))
        #expect(config.store.description == "postgres://tickler@db.firm.test:6543/tickler?sslmode=verify-full")
        #expect(config.credentials.map(\.name) == ["pg-password"])
        #expect(config.credentialProblems { _ in "" }.map(\.message) == ["credential 'pg-password' of the store is empty"])
        #expect(config.storeLease == 30, "a silent instance's work is taken over after 30 s by default")
        let short = try ConfigurationLoader.parse("""
            store: { postgres: "postgres://tickler@db/tickler", lease: 2m }
            \(Self.policies)
            """, path: "/etc/tickler/tickler.yaml")
        #expect(short.storeLease == 120)
    }

    @Test func defaultsAreTheStandardPortAndVerifiedTLS() throws {
        let url = try PostgresURL.parse("postgresql://app@[::1]/firm").get()
        #expect(url == PostgresURL(user: "app", host: "::1", port: 5432, database: "firm", sslMode: "verify-full", rootCertificate: nil))
        #expect(url.description == "postgres://app@[::1]:5432/firm?sslmode=verify-full")
    }

    @Test func aPasswordMayGoWithoutVerifiedTLSOnlyToLoopbackAndSslrootcertIsResolvedAsLibpqDoes() throws {
        for url in ["postgres://u@127.0.0.1:55432/db?sslmode=disable", "postgres://u@[::1]/db?sslmode=prefer",
                    "postgres://u@localhost/db?sslmode=require", "postgres://u@db.firm.test/db?sslmode=verify-full",
                    "postgres://u@db.firm.test/db?sslmode=disable"] {
            let credential = url.contains("db.firm.test/db?sslmode=disable") ? "" : ", password_credential: pg"
            let config = try ConfigurationLoader.parse("store: { postgres: \"\(url)\"\(credential) }\n" + Self.policies, path: "/etc/tickler/x.yaml")
            guard case .postgres(let parsed, _) = config.store else { Issue.record("\(url)"); continue }
            #expect(parsed.rootCertificate == nil)
        }
        let relative = try ConfigurationLoader.parse(
            #"store: { postgres: "postgres://u@db.firm.test/db?sslrootcert=firm-ca.pem", password_credential: pg }"# + "\n" + Self.policies,
            path: "/etc/tickler/x.yaml")
        guard case .postgres(let url, _) = relative.store else { Issue.record("not postgres"); return }
        #expect(url.rootCertificate == "/etc/tickler/firm-ca.pem")
        let system = try ConfigurationLoader.parse(
            #"store: { postgres: "postgres://u@db.firm.test/db?sslrootcert=system", password_credential: pg }"# + "\n" + Self.policies,
            path: "/etc/tickler/x.yaml")
        guard case .postgres(let systemURL, _) = system.store else { Issue.record("not postgres"); return }
        #expect(systemURL.rootCertificate == nil, "sslrootcert=system is the system's trust store")
    }

    @Test func everyBadStoreIsReportedWhereItIsWrittenWithoutRepeatingAPassword() {
        let cases: [(String, String)] = [
            (#"store: { postgres: "postgres://u:s3cret@h/db" }"#,
             "1:20: error: postgres: the URL holds a password: give it with password_credential, never in the configuration"),
            (#"store: { postgres: "postgres://u@h/db?password=s3cret" }"#,
             "1:20: error: postgres: the URL holds a password: give it with password_credential, never in the configuration"),
            (#"store: { postgres: "postgres://u@h:99999/db" }"#, "1:20: error: postgres: the URL's port is not a number from 1 to 65535"),
            (#"store: { postgres: "postgres://u@h/db?sslmode=allow" }"#,
             "1:20: error: postgres: sslmode must be one of disable, prefer, require, verify-full"),
            (#"store: { postgres: "postgres://h/db" }"#, "1:20: error: postgres: the URL names no user (postgres://USER@host/database)"),
            (#"store: { postgres: "mysql://u@h/db" }"#, "1:20: error: postgres: a PostgreSQL store is a postgres:// URL"),
            (#"store: { sqlite: a.db, postgres: "postgres://u@h/db" }"#, "1:8: error: store names both sqlite and postgres: give one"),
            (#"store: { sqlite: a.db, password_credential: x }"#, "1:45: error: password_credential is for a postgres store"),
            (#"store: { password_credential: x }"#, "1:8: error: store needs sqlite (a file) or postgres (a URL)"),
            (#"store: { sqlite: a.db, lease: 10s }"#, "1:31: error: lease is for a postgres store (one instance uses a SQLite file)"),
            (#"store: { postgres: "postgres://u@h/db", lease: 2s }"#,
             "1:48: error: lease must be from 5s to 10m: how long a silent instance's claims hold before another takes them"),
            (#"store: { postgres: "postgres://u@h/db", lease: 11m }"#,
             "1:48: error: lease must be from 5s to 10m: how long a silent instance's claims hold before another takes them"),
            (#"store: { postgres: "postgres://u@h/db", lease: soon }"#,
             "1:48: error: lease 'soon' must be a positive duration such as 60s, 5m or 1h"),
            // A password only over verified TLS, or over loopback.
            (#"store: { postgres: "postgres://u@db.firm.test/db?sslmode=disable", password_credential: pg }"#,
             "1:20: error: postgres: sslmode=disable would send the password (password_credential) unverified or in the clear to "
                + "db.firm.test; use sslmode=verify-full (and sslrootcert for a private CA), or a loopback address"),
            (#"store: { postgres: "postgres://u@db.firm.test/db?sslmode=prefer", password_credential: pg }"#,
             "1:20: error: postgres: sslmode=prefer would send the password (password_credential) unverified or in the clear to "
                + "db.firm.test; use sslmode=verify-full (and sslrootcert for a private CA), or a loopback address"),
            (#"store: { postgres: "postgres://u@10.0.0.7/db?sslmode=require&sslrootcert=ca.pem", password_credential: pg }"#,
             "1:20: error: postgres: sslmode=require would send the password (password_credential) unverified or in the clear to "
                + "10.0.0.7; use sslmode=verify-full (and sslrootcert for a private CA), or a loopback address"),
        ]
        for (line, expected) in cases {
            do {
                _ = try ConfigurationLoader.parse(line + "\n" + Self.policies, path: "x.yaml")
                Issue.record("loaded: \(line)")
            } catch {
                #expect(error.description == "x.yaml:" + expected, "\(line)")
                #expect(!error.description.contains("s3cret"))
            }
        }
    }
}
