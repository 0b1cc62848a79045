import Foundation
#if canImport(Glibc)
import Glibc
#endif
import TicklerCore
import Yams

/// `channels:`: each entry's type and settings. Secrets may only be named (`*_credential`).
struct ChannelDecoder {
    let reader: NodeReader
    /// The configuration file's directory: `tls_ca_file` resolves against it.
    let baseDirectory: String

    /// The channels by name, and every credential they name.
    func decode(_ node: Node) -> (channels: [String: ChannelSettings], credentials: [CredentialReference]) {
        var out: [String: ChannelSettings] = ["journal": .journal]
        var credentials: [CredentialReference] = []
        guard case .mapping(let m) = node else {
            reader.error(node, "channels must be a mapping of channel names to settings")
            return (out, credentials)
        }
        var seen = Set<String>()
        for (keyNode, value) in m {
            guard case .scalar(let k) = keyNode else { continue }
            let name = k.string
            if !seen.insert(name).inserted {
                reader.error(keyNode, "duplicate channel '\(name)'")
                continue
            }
            if name == "journal" {
                reader.error(keyNode, "channel 'journal' is built in and cannot be redefined")
                continue
            }
            if name == DeliveryPlan.clientChannel {
                reader.error(keyNode, "channel name 'client' is the queue of client messages; choose another name")
                continue
            }
            if !CalendarDecoder.isValidName(name) {
                reader.error(keyNode, "channel name '\(name)' must be letters, digits, '-' or '_'")
            }
            if let settings = channel(value, name, &credentials) { out[name] = settings }
        }
        return (out, credentials)
    }

    private func channel(_ node: Node, _ name: String, _ credentials: inout [CredentialReference]) -> ChannelSettings? {
        let what = "channel '\(name)'"
        guard case .mapping(let m) = node else {
            reader.error(node, "\(what) must be a mapping")
            return nil
        }
        let typeNode = m.first(where: { if case .scalar(let s) = $0.key { s.string == "type" } else { false } })?.value
        guard let typeNode, let type = reader.string(typeNode, "type") else {
            if typeNode == nil { reader.error(node, "\(what) is missing required key 'type'") }
            return nil
        }
        switch type {
        case "email":
            let keys = ["type", "smtp", "starttls", "username", "password_credential", "from", "include_client", "tls_ca_file"]
            guard let f = reader.mapping(node, what, allowed: keys, required: ["smtp", "from"]) else { return nil }
            var ok = true
            var url = ""
            var tls = ChannelSettings.Email.StartTLS.required
            if let n = f["smtp"], let u = reader.string(n, "smtp") {
                url = u
                if let problem = Self.urlProblem(u, schemes: ["smtp", "smtps"]) {
                    reader.error(n, "smtp \(problem)")
                    ok = false
                }
            } else { ok = false }
            if let n = f["starttls"], let t = reader.string(n, "starttls") {
                if let v = ChannelSettings.Email.StartTLS(rawValue: t) {
                    tls = v
                    if url.hasPrefix("smtps://") && v != .off {
                        reader.error(n, "starttls does not apply to smtps:// (TLS from the first byte); remove it")
                        ok = false
                    }
                } else {
                    reader.error(n, "starttls must be required, opportunistic or off")
                    ok = false
                }
            } else if url.hasPrefix("smtps://") {
                tls = .off
            }
            let username = f["username"].flatMap { reader.string($0, "username") }
            var credential: String?
            if let n = f["password_credential"], let c = reader.string(n, "password_credential") {
                if Self.isCredentialName(c) {
                    credential = c
                    credentials.append(CredentialReference(name: c, owner: .channel(name), location: reader.location(n)))
                } else {
                    reader.error(n, "password_credential must name a credential (a file name: letters, digits, '.', '_', '-')")
                    ok = false
                }
            }
            if username != nil && f["password_credential"] == nil {
                reader.error(f.keys["username"], "\(what) gives a username but no password_credential")
                ok = false
            }
            if username != nil && tls != .required && !url.lowercased().hasPrefix("smtps://") {
                reader.error(f.keys["username"], "\(what) would send its password without TLS: use starttls: required or smtps://")
                ok = false
            }
            var from = ""
            if let n = f["from"], let v = reader.string(n, "from") {
                from = v
                if !Self.isMailbox(v) {
                    reader.error(n, "from must be an address, optionally with a name: \"Tickler <tickler@firm.test>\"")
                    ok = false
                }
            } else { ok = false }
            let include = f["include_client"].flatMap { reader.bool($0, "include_client") } ?? true
            let ca = caFile(f["tls_ca_file"], &ok)
            guard ok else { return nil }
            return .email(.init(url: url, startTLS: tls, username: username, passwordCredential: credential, from: from,
                                includeClient: include, caFile: ca))
        case "webhook":
            let keys = ["type", "url", "secret_credential", "include_client", "tls_ca_file"]
            guard let f = reader.mapping(node, what, allowed: keys, required: ["url", "secret_credential"]) else { return nil }
            var ok = f["url"] != nil && f["secret_credential"] != nil
            let url = httpsURL(f["url"], &ok)
            let secret = credential(f["secret_credential"], "secret_credential", channel: name, &credentials, &ok)
            let include = f["include_client"].flatMap { reader.bool($0, "include_client") } ?? false
            let ca = caFile(f["tls_ca_file"], &ok)
            guard ok else { return nil }
            return .webhook(.init(url: url, secretCredential: secret, includeClient: include, caFile: ca))
        case "sms":
            return sms(node, name, &credentials)
        case "clio-task":
            // Its account is sync.clio's: the loader fills it in (or says it is missing) once that is read.
            guard reader.mapping(node, what, allowed: ["type"]) != nil else { return nil }
            return .clioTask(.init(apiURL: "", tokenURL: "", clientID: "", clientSecretCredential: "", refreshTokenCredential: "",
                                   timeZone: ""))
        case "outbox":
            guard let f = reader.mapping(node, what, allowed: ["type", "include_client"]) else { return nil }
            return .outbox(includeClient: f["include_client"].flatMap { reader.bool($0, "include_client") } ?? false)
        case "journal":
            reader.error(typeNode, "the journal channel is built in; other channels have type email, webhook, outbox, sms or clio-task")
            return nil
        default:
            reader.error(typeNode, "unknown channel type '\(type)'; expected email, webhook, outbox, sms or clio-task")
            return nil
        }
    }

    /// `type: sms`: a gateway with the Twilio-compatible Messages API.
    private func sms(_ node: Node, _ name: String, _ credentials: inout [CredentialReference]) -> ChannelSettings? {
        let what = "channel '\(name)'"
        let keys = ["type", "url", "account_sid", "auth_token_credential", "from", "messaging_service_sid", "status_callback",
                    "max_segments", "tls_ca_file"]
        guard let f = reader.mapping(node, what, allowed: keys, required: ["url", "account_sid", "auth_token_credential"]) else {
            return nil
        }
        var ok = f["url"] != nil && f["account_sid"] != nil && f["auth_token_credential"] != nil
        let url = httpsURL(f["url"], &ok)
        var sid = ""
        if let n = f["account_sid"], let s = reader.string(n, "account_sid") {
            sid = s
            if s.isEmpty || !s.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber) }) {
                reader.error(n, "account_sid must be letters and digits (AC…)")
                ok = false
            }
        }
        let token = credential(f["auth_token_credential"], "auth_token_credential", channel: name, &credentials, &ok)
        let from = f["from"].flatMap { reader.string($0, "from") }
        if let from, !Contact.isE164(from) {
            reader.error(f["from"], "from must be a number in E.164 (+14155550123)")
            ok = false
        }
        let service = f["messaging_service_sid"].flatMap { reader.string($0, "messaging_service_sid") }
        if (from == nil) == (service == nil) {
            reader.error(node, "\(what) needs from (a number) or messaging_service_sid, one of the two")
            ok = false
        }
        let callback = f["status_callback"].flatMap { reader.string($0, "status_callback") }
        if let callback, let problem = Self.httpsProblem(callback) {
            reader.error(f["status_callback"], "status_callback \(problem)")
            ok = false
        }
        var segments = 3
        if let n = f["max_segments"] {
            if let v = reader.int(n, "max_segments", range: 1...10) { segments = v } else { ok = false }
        }
        let ca = caFile(f["tls_ca_file"], &ok)
        guard ok else { return nil }
        return .sms(.init(url: url, accountSID: sid, authTokenCredential: token, from: from, messagingServiceSID: service,
                          statusCallback: callback, maxSegments: segments, caFile: ca))
    }

    /// An HTTPS address (plain HTTP only to loopback); "" with `ok` false when it is not one.
    private func httpsURL(_ node: Node?, _ ok: inout Bool) -> String {
        guard let node, let u = reader.string(node, "url") else { return "" }
        if let problem = Self.httpsProblem(u) {
            reader.error(node, "url \(problem)")
            ok = false
        }
        return u
    }

    /// Why `text` is not an HTTPS address (plain http:// only to a loopback address): what goes to it or
    /// comes from it (client numbers, message bodies, replayable signatures) must not cross a network in the clear.
    static func httpsProblem(_ text: String) -> String? {
        if let problem = urlProblem(text, schemes: ["https", "http"]) { return problem }
        if text.lowercased().hasPrefix("http://") && !isLoopback(text) {
            return "must use https:// (plain http:// is allowed only to a loopback address)"
        }
        return nil
    }

    /// The credential `key` names, recorded with where it is named; "" with `ok` false when it names none.
    private func credential(_ node: Node?, _ key: String, channel: String, _ credentials: inout [CredentialReference],
                            _ ok: inout Bool) -> String {
        guard let node, let c = reader.string(node, key) else { return "" }
        guard Self.isCredentialName(c) else {
            reader.error(node, "\(key) must name a credential (a file name: letters, digits, '.', '_', '-')")
            ok = false
            return ""
        }
        credentials.append(CredentialReference(name: c, owner: .channel(channel), location: reader.location(node)))
        return c
    }

    /// `tls_ca_file`: a readable file, resolved against the configuration's directory.
    private func caFile(_ node: Node?, _ ok: inout Bool) -> String? {
        guard let node, let text = reader.string(node, "tls_ca_file") else { return nil }
        let path = ConfigurationLoader.resolve(text, against: baseDirectory)
        guard FileManager.default.isReadableFile(atPath: path) else {
            reader.error(node, "tls_ca_file '\(text)' cannot be read")
            ok = false
            return nil
        }
        return path
    }

    /// One file name in the credentials directory: never `.`, `..` or a path.
    static func isCredentialName(_ s: String) -> Bool {
        !s.isEmpty && s != "." && s != ".." && s.count <= 255
            && s.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "._-".contains($0)) }
    }

    /// Why `text` is not a usable URL of one of `schemes`; never quotes a password it may contain.
    static func urlProblem(_ text: String, schemes: [String]) -> String? {
        guard let c = URLComponents(string: text), let scheme = c.scheme?.lowercased(), let host = c.host, !host.isEmpty
        else { return "must be a URL such as \(schemes[0])://host:port" }
        if c.password != nil {
            return "must not contain a password; store it as a systemd credential (LoadCredential=) and name it with *_credential"
        }
        guard schemes.contains(scheme) else { return "must start with \(schemes.map { $0 + "://" }.joined(separator: " or "))" }
        return nil
    }

    /// Whether the URL's host is this machine (`LoopbackHost`).
    static func isLoopback(_ text: String) -> Bool {
        guard let host = URLComponents(string: text)?.host else { return false }
        return LoopbackHost.contains(host)
    }

    static func isMailbox(_ s: String) -> Bool {
        if s.contains("\r") || s.contains("\n") { return false }
        if let lt = s.lastIndex(of: "<"), s.hasSuffix(">") {
            return Recipient.isEmailAddress(String(s[s.index(after: lt)..<s.index(before: s.endIndex)]))
        }
        return Recipient.isEmailAddress(s)
    }
}

