/// A PostgreSQL store's address: `postgres://USER@HOST[:PORT]/DATABASE[?sslmode=MODE&sslrootcert=FILE]`.
/// The password is never part of it: it comes from a credential (`password_credential`).
public struct PostgresURL: Sendable, Equatable {
    public var user: String
    public var host: String
    public var port: Int
    public var database: String
    /// libpq's name: `disable`, `prefer`, `require` or `verify-full` (the default).
    public var sslMode: String
    /// CA certificates (PEM) to trust instead of the system's.
    public var rootCertificate: String?

    public static let sslModes = ["disable", "prefer", "require", "verify-full"]

    /// Parses `text`, or says what is wrong with it (never repeating a password it holds).
    public static func parse(_ text: String) -> Result<PostgresURL, PostgresURLProblem> {
        let schemes = ["postgres://", "postgresql://"]
        guard let scheme = schemes.first(where: { text.hasPrefix($0) }) else {
            return .failure(.init("a PostgreSQL store is a postgres:// URL"))
        }
        var rest = Substring(text.dropFirst(scheme.count))
        var query: Substring = ""
        if let q = rest.firstIndex(of: "?") {
            query = rest[rest.index(after: q)...]
            rest = rest[..<q]
        }
        guard let slash = rest.firstIndex(of: "/") else { return .failure(.init("the URL names no database (postgres://user@host/DATABASE)")) }
        let authority = rest[..<slash], database = rest[rest.index(after: slash)...]
        guard let at = authority.lastIndex(of: "@") else { return .failure(.init("the URL names no user (postgres://USER@host/database)")) }
        let userInfo = authority[..<at]
        if userInfo.contains(":") {
            return .failure(.init("the URL holds a password: give it with password_credential, never in the configuration"))
        }
        var hostPort = authority[authority.index(after: at)...]
        var port = 5432
        var host: Substring
        if hostPort.hasPrefix("[") {
            guard let close = hostPort.firstIndex(of: "]") else { return .failure(.init("the URL's host is not closed with ]")) }
            host = hostPort[hostPort.index(after: hostPort.startIndex)..<close]
            hostPort = hostPort[hostPort.index(after: close)...]
            if hostPort.hasPrefix(":") {
                guard let p = Int(hostPort.dropFirst()), (1...65535).contains(p) else { return .failure(.init("the URL's port is not a number from 1 to 65535")) }
                port = p
            } else if !hostPort.isEmpty {
                return .failure(.init("the URL's host is followed by something other than a port"))
            }
        } else if let colon = hostPort.lastIndex(of: ":") {
            host = hostPort[..<colon]
            guard let p = Int(hostPort[hostPort.index(after: colon)...]), (1...65535).contains(p) else {
                return .failure(.init("the URL's port is not a number from 1 to 65535"))
            }
            port = p
        } else {
            host = hostPort
        }
        guard !userInfo.isEmpty, let user = String(userInfo).removingPercentEncoding else { return .failure(.init("the URL names no user")) }
        guard !host.isEmpty else { return .failure(.init("the URL names no host")) }
        guard !database.isEmpty, let db = String(database).removingPercentEncoding, !db.contains("/") else {
            return .failure(.init("the URL names no database"))
        }
        var url = PostgresURL(user: user, host: String(host), port: port, database: db, sslMode: "verify-full", rootCertificate: nil)
        for pair in query.split(separator: "&") where !pair.isEmpty {
            let kv = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let key = String(kv[0]), value = kv.count > 1 ? String(kv[1]).removingPercentEncoding ?? "" : ""
            switch key {
            case "sslmode":
                guard sslModes.contains(value) else {
                    return .failure(.init("sslmode must be one of \(sslModes.joined(separator: ", "))"))
                }
                url.sslMode = value
            case "sslrootcert":
                url.rootCertificate = value
            case "password":
                return .failure(.init("the URL holds a password: give it with password_credential, never in the configuration"))
            default:
                return .failure(.init("unknown URL parameter '\(key)' (sslmode and sslrootcert are known)"))
            }
        }
        return .success(url)
    }

    public var description: String {
        let h = host.contains(":") ? "[\(host)]" : host
        return "postgres://\(user)@\(h):\(port)/\(database)?sslmode=\(sslMode)"
    }
}

public struct PostgresURLProblem: Error, Sendable, Equatable, CustomStringConvertible {
    public var description: String
    init(_ description: String) { self.description = description }
}

extension String {
    /// `%XX` escapes decoded; nil when one is malformed or the bytes are not UTF-8.
    fileprivate var removingPercentEncoding: String? {
        var bytes: [UInt8] = []
        var it = utf8.makeIterator()
        while let b = it.next() {
            if b == UInt8(ascii: "%") {
                guard let h = it.next(), let l = it.next(), let v = UInt8(String(decoding: [h, l], as: UTF8.self), radix: 16) else { return nil }
                bytes.append(v)
            } else {
                bytes.append(b)
            }
        }
        return String(validating: bytes, as: UTF8.self)
    }
}
