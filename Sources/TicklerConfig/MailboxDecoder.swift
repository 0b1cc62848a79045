import Foundation
import Yams

/// `mailboxes: { NAME: { url, user, password_credential | oauth2_token_credential, inbound, outbound,
/// ca_file, poll, look_back_days } }`.
struct MailboxDecoder {
    let reader: NodeReader

    static let keys = ["url", "user", "password_credential", "oauth2_token_credential", "inbound", "outbound", "ca_file", "poll",
                       "look_back_days"]

    func decode(_ node: Node) -> [MailboxSettings] {
        guard case .mapping(let m) = node else {
            reader.error(node, "mailboxes must map each mailbox's name to its settings")
            return []
        }
        var out: [MailboxSettings] = []
        for (key, value) in m {
            guard let name = reader.string(key, "a mailbox's name") else { continue }
            guard !name.isEmpty, name.count <= 64, name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") }) else {
                reader.error(key, "mailbox name '\(name)' must be letters, digits, '-' or '_' (at most 64)")
                continue
            }
            if let box = decode(name, value) { out.append(box) }
        }
        return out.sorted { $0.name < $1.name }
    }

    private func decode(_ name: String, _ node: Node) -> MailboxSettings? {
        guard let f = reader.mapping(node, "mailbox '\(name)'", allowed: Self.keys, required: ["url", "user"]) else { return nil }
        var ok = true
        var host = "", port = 993, security = MailboxSettings.Security.tls
        if let n = f["url"], let text = reader.string(n, "url") {
            if let u = Self.server(text) { (host, port, security) = u } else {
                reader.error(n, "url '\(text)' must be imaps://HOST[:PORT] (TLS) or imap://HOST[:PORT] (STARTTLS, required)")
                ok = false
            }
        }
        var user = ""
        if let n = f["user"], let text = reader.string(n, "user") {
            if text.contains(where: { $0 == "\r" || $0 == "\n" || $0 == "\0" }) {
                reader.error(n, "user must be one line")
                ok = false
            }
            user = text
        }
        var login: MailboxSettings.Login?
        switch (f["password_credential"], f["oauth2_token_credential"]) {
        case (let p?, nil): login = credential(p, "password_credential", name).map { .password($0) }
        case (nil, let t?): login = credential(t, "oauth2_token_credential", name).map { .oauth2Token($0) }
        case (let p?, _?):
            reader.error(p, "mailbox '\(name)' takes password_credential or oauth2_token_credential, not both")
        case (nil, nil):
            reader.error(node, "mailbox '\(name)' needs password_credential or oauth2_token_credential (its secret, from a credential)")
        }
        if login == nil { ok = false }
        let inbound = folders(f["inbound"], "inbound", default: ["INBOX"], &ok)
        let outbound = folders(f["outbound"], "outbound", default: ["Sent"], &ok)
        if Set(inbound).intersection(outbound).first != nil, let n = f["outbound"] {
            reader.error(n, "a folder is either inbound or outbound, not both")
            ok = false
        }
        var ca: String?
        if let n = f["ca_file"], let text = reader.string(n, "ca_file") {
            if !text.hasPrefix("/") {
                reader.error(n, "ca_file must be an absolute path")
                ok = false
            } else if !FileManager.default.isReadableFile(atPath: text) {
                reader.error(n, "ca_file '\(text)' cannot be read")
                ok = false
            }
            ca = text
        }
        var poll = 60
        if let n = f["poll"] {
            if let s = ConfigurationLoader.seconds(n, "poll", reader: reader) {
                if s < 10 || s > 1800 {
                    reader.error(n, "poll must be from 10s to 30m")
                    ok = false
                }
                poll = s
            } else {
                ok = false
            }
        }
        var lookBack = 14
        if let n = f["look_back_days"] {
            if let v = reader.int(n, "look_back_days", range: 1...365) { lookBack = v } else { ok = false }
        }
        guard ok, let login else { return nil }
        return MailboxSettings(name: name, host: host, port: port, security: security, user: user, login: login, inbound: inbound,
                               outbound: outbound, caFile: ca, poll: poll, lookBackDays: lookBack)
    }

    /// `imaps://host[:port]` or `imap://host[:port]` (nothing after the authority but an optional `/`).
    static func server(_ text: String) -> (String, Int, MailboxSettings.Security)? {
        let security: MailboxSettings.Security
        var rest: Substring
        if text.lowercased().hasPrefix("imaps://") { security = .tls; rest = text.dropFirst(8) } else if text.lowercased().hasPrefix("imap://") {
            security = .startTLS
            rest = text.dropFirst(7)
        } else { return nil }
        if rest.hasSuffix("/") { rest = rest.dropLast() }
        guard !rest.isEmpty, !rest.contains("/"), !rest.contains("@"), !rest.contains("?") else { return nil }
        var host = String(rest), port = security == .tls ? 993 : 143
        if let colon = rest.lastIndex(of: ":"), !rest.hasSuffix("]") {
            guard let p = Int(rest[rest.index(after: colon)...]), (1...65_535).contains(p) else { return nil }
            port = p
            host = String(rest[..<colon])
        }
        if host.hasPrefix("[") && host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        guard !host.isEmpty, host.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "." || $0 == "-" || $0 == ":") }) else { return nil }
        return (host, port, security)
    }

    private func credential(_ node: Node, _ key: String, _ mailbox: String) -> CredentialReference? {
        guard let name = reader.string(node, key) else { return nil }
        guard ChannelDecoder.isCredentialName(name) else {
            reader.error(node, "\(key) must name a credential (a file name: letters, digits, '.', '_', '-')")
            return nil
        }
        return CredentialReference(name: name, owner: .mailbox(mailbox), location: reader.location(node))
    }

    /// Folder names: printable ASCII (IMAP's modified UTF-7 for other names is not spoken), no wildcards.
    private func folders(_ node: Node?, _ key: String, default fallback: [String], _ ok: inout Bool) -> [String] {
        guard let node else { return fallback }
        guard let items = reader.strings(node, key) else {
            ok = false
            return []
        }
        var out: [String] = []
        for (name, n) in items {
            guard !name.isEmpty, name.allSatisfy({ $0.isASCII && $0 >= " " && $0 != "*" && $0 != "%" && $0 != "&" && $0 != "\u{7f}" }) else {
                reader.error(n, "folder '\(name)' must be printable ASCII without '*', '%' or '&'")
                ok = false
                continue
            }
            if !out.contains(name) { out.append(name) }
        }
        return out
    }
}
