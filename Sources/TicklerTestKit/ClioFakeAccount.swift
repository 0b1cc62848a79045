import Foundation

/// The fake Clio API (`scripts/testing/clio_fake.py`) with one application and account, as the tests
/// configure it: its `sync.clio` block and the two credentials that block names.
public struct ClioFakeAccount {
    public let server: TestServer
    public let clientID: String
    public let clientSecret: String
    public let refreshToken: String

    /// Starts the fake in `directory` serving `firm` (its `firm.json`, when given), with `arguments` of its own
    /// (`--burst`, `--fail-tasks`…).
    public init(directory: String, firm: [String: Any]? = nil, clientID: String = "app", clientSecret: String = "s",
                refreshToken: String = "r", arguments: [String] = []) throws {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        if let firm { try JSONSerialization.data(withJSONObject: firm).write(to: URL(fileURLWithPath: directory + "/firm.json")) }
        server = try TestServer(script: "clio_fake.py", directory: directory, arguments: [
            "--client-id", clientID, "--client-secret", clientSecret, "--refresh-token", refreshToken] + arguments)
        self.clientID = clientID
        self.clientSecret = clientSecret
        self.refreshToken = refreshToken
    }

    public var base: String { "http://127.0.0.1:\(server.port)" }

    /// `sync:` with this account under `clio:` (and `extra` lines in it: `requests_per_minute: 6000`).
    public func syncBlock(webhookURL: String = "https://tickler.firm.test/clio/webhook", extra: [String] = []) -> String {
        ([
            "sync:", "  clio:", "    region: us", "    client_id: \(clientID)", "    client_secret_credential: clio-client-secret",
            "    refresh_token_credential: clio-refresh-token", "    webhook_url: \"\(webhookURL)\"", "    api_url: \"\(base)/api/v4\"",
            "    token_url: \"\(base)/oauth/token\"",
        ] + extra.map { "    " + $0 }).joined(separator: "\n")
    }

    /// The two credentials of `syncBlock` as files of `directory`.
    public func writeCredentials(to directory: String) throws {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        try clientSecret.write(toFile: directory + "/clio-client-secret", atomically: true, encoding: .utf8)
        try refreshToken.write(toFile: directory + "/clio-refresh-token", atomically: true, encoding: .utf8)
    }

    /// The requests the fake answered, in order: method and path.
    public func requests() -> [String] {
        let text = (try? String(contentsOfFile: server.directory + "/requests.jsonl", encoding: .utf8)) ?? ""
        return text.split(separator: "\n").compactMap { line in
            guard let o = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else { return nil }
            return "\(o["method"] ?? "") \(o["path"] ?? "")"
        }
    }

    /// A JSON file the fake keeps (`webhooks.json`, `created_tasks.json`), as records.
    public func records(_ file: String) -> [[String: Any]] {
        guard let data = FileManager.default.contents(atPath: server.directory + "/" + file) else { return [] }
        return (try? JSONSerialization.jsonObject(with: data) as? [[String: Any]]) ?? []
    }
}
