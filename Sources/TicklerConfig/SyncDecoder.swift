import TicklerCore
import Yams

/// `sync: { clio: { region, client_id, client_secret_credential, refresh_token_credential, webhook_url,
/// reconcile, defaults: { language, time_zone }, requests_per_minute, api_url, token_url } }`.
struct SyncDecoder {
    let reader: NodeReader
    /// The zone of Clio's dates when `defaults.time_zone` is not given: the firm's default calendar's.
    let fallbackZone: String

    static let clioKeys = ["region", "client_id", "client_secret_credential", "refresh_token_credential", "webhook_url", "reconcile",
                           "defaults", "requests_per_minute", "api_url", "token_url"]

    func decode(_ node: Node) -> ClioSyncSettings? {
        guard let f = reader.mapping(node, "sync", allowed: ["clio"], required: ["clio"]), let n = f["clio"] else { return nil }
        return decodeClio(n)
    }

    private func decodeClio(_ node: Node) -> ClioSyncSettings? {
        guard let f = reader.mapping(node, "clio", allowed: Self.clioKeys,
                                     required: ["region", "client_id", "client_secret_credential", "refresh_token_credential", "webhook_url"])
        else { return nil }
        var ok = true
        var region = ClioSyncSettings.Region.us
        if let n = f["region"], let text = reader.string(n, "region") {
            if let r = ClioSyncSettings.Region(rawValue: text.lowercased()) { region = r } else {
                reader.error(n, "region '\(text)' must be one of us, eu, ca, au (the account's data region)")
                ok = false
            }
        }
        var clientID = ""
        if let n = f["client_id"], let text = reader.string(n, "client_id") {
            if text.isEmpty || text.contains(where: { $0.isWhitespace }) {
                reader.error(n, "client_id must be the OAuth application's id (no spaces)")
                ok = false
            }
            clientID = text
        }
        let secret = credential(f["client_secret_credential"], "client_secret_credential", &ok)
        let refresh = credential(f["refresh_token_credential"], "refresh_token_credential", &ok)
        let webhook = url(f["webhook_url"], "webhook_url", &ok) ?? ""
        var reconcile = 600
        if let n = f["reconcile"] {
            if let s = ConfigurationLoader.seconds(n, "reconcile", reader: reader) {
                if s < 60 {
                    reader.error(n, "reconcile must be at least 1m (Clio allows 50 requests a minute)")
                    ok = false
                }
                reconcile = s
            } else {
                ok = false
            }
        }
        var language: String?
        var zone = fallbackZone
        if let n = f["defaults"], let d = reader.mapping(n, "defaults", allowed: ["language", "time_zone"]) {
            if let l = d["language"], let text = reader.string(l, "language") {
                if text.isEmpty || text.count > 35 || !text.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") }) {
                    reader.error(l, "language '\(text)' must be a language tag (en, es, pt-BR)")
                    ok = false
                }
                language = text
            }
            if let z = d["time_zone"], let text = reader.string(z, "time_zone") {
                if ZoneRules(identifier: text) == nil {
                    reader.error(z, "time_zone '\(text)' is not a time zone (America/New_York)")
                    ok = false
                }
                zone = text
            }
        }
        var perMinute = 50
        if let n = f["requests_per_minute"] {
            if let v = reader.int(n, "requests_per_minute", range: 1...10_000) { perMinute = v } else { ok = false }
        }
        let api = f["api_url"].flatMap { url($0, "api_url", &ok) } ?? ClioSyncSettings.apiURL(region)
        let token = f["token_url"].flatMap { url($0, "token_url", &ok) } ?? ClioSyncSettings.tokenURL(region)
        guard ok, let secret, let refresh else { return nil }
        return ClioSyncSettings(region: region, clientID: clientID, clientSecretCredential: secret, refreshTokenCredential: refresh,
                                webhookURL: webhook, reconcile: reconcile, language: language, timeZone: zone, requestsPerMinute: perMinute,
                                apiURL: api, tokenURL: token)
    }

    private func credential(_ node: Node?, _ key: String, _ ok: inout Bool) -> CredentialReference? {
        guard let node, let name = reader.string(node, key) else { return nil }
        guard ChannelDecoder.isCredentialName(name) else {
            reader.error(node, "\(key) must name a credential (a file name: letters, digits, '.', '_', '-')")
            ok = false
            return nil
        }
        return CredentialReference(name: name, owner: .sync("clio"), location: reader.location(node))
    }

    /// An HTTPS address (plain HTTP only to loopback); nil with `ok` false when it is not one.
    private func url(_ node: Node?, _ key: String, _ ok: inout Bool) -> String? {
        guard let node, let text = reader.string(node, key) else { return nil }
        if let problem = ChannelDecoder.httpsProblem(text) {
            reader.error(node, "\(key) \(problem)")
            ok = false
            return nil
        }
        return text.hasSuffix("/") ? String(text.dropLast()) : text
    }
}
