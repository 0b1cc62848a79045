import Foundation
import TicklerCore
import Yams

/// Reads `tickler.yaml` into a `Configuration`, or fails with every problem located in the file.
public enum ConfigurationLoader {
    static let topKeys = ["firm", "calendars", "store", "poll", "channels", "defaults", "journal", "templates", "digest", "delivery", "deadline_rules", "metrics", "clients", "stages", "sync", "mailboxes", "courts", "policies"]

    /// The largest configuration read (a firm's policies fit in a few kilobytes).
    public static let maximumSize = 1 << 20

    /// Reads and validates the file at `path`.
    public static func load(path: String) throws(ConfigurationError) -> Configuration {
        let contents: String
        do {
            contents = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            let reason = FileManager.default.fileExists(atPath: path) ? "cannot read the file (not UTF-8 or not readable)"
                : "no such file"
            throw ConfigurationError(diagnostics: [Diagnostic(file: path, line: 1, column: 1, message: reason)])
        }
        return try parse(contents, path: path)
    }

    /// Validates `text` as if read from `path` (relative paths resolve against its directory).
    public static func parse(_ text: String, path: String) throws(ConfigurationError) -> Configuration {
        if text.utf8.count > maximumSize {
            throw ConfigurationError(diagnostics: [Diagnostic(file: path, line: 1, column: 1,
                message: "the configuration is \(text.utf8.count) bytes; at most \(maximumSize) are read")])
        }
        if let found = AnchorScan.first(in: text) {
            throw ConfigurationError(diagnostics: [Diagnostic(file: path, line: found.line, column: found.column,
                message: "YAML \(found.isAlias ? "aliases (*name)" : "anchors (&name)") are not supported: write the value out")])
        }
        let reader = NodeReader(file: path)
        let root: Node?
        do {
            root = try Yams.compose(yaml: text)
        } catch let error as YamlError {
            throw ConfigurationError(diagnostics: [syntaxDiagnostic(error, file: path)])
        } catch {
            throw ConfigurationError(diagnostics: [Diagnostic(file: path, line: 1, column: 1, message: "cannot parse YAML")])
        }
        guard let root else {
            throw ConfigurationError(diagnostics: [Diagnostic(file: path, line: 1, column: 1, message: "the configuration is empty")])
        }
        let config = decode(root, reader: reader, path: path)
        if !reader.diagnostics.isEmpty { throw ConfigurationError(diagnostics: reader.diagnostics) }
        guard var config else {
            throw ConfigurationError(diagnostics: [Diagnostic(file: path, line: 1, column: 1, message: "invalid configuration")])
        }
        config.warnings = reader.warnings
        config.stageLocations = reader.stageLocations
        return config
    }

    static func syntaxDiagnostic(_ error: YamlError, file: String) -> Diagnostic {
        switch error {
        case .scanner(let context, let problem, let mark, _), .parser(let context, let problem, let mark, _),
             .composer(let context, let problem, let mark, _):
            let prefix = context.map { "\($0.text) " } ?? ""
            return Diagnostic(file: file, line: mark.line, column: mark.column, message: "YAML syntax: \(prefix)\(problem)")
        case .duplicatedKeysInMapping(let duplicates, let context):
            let keys = duplicates.map { "'\($0)'" }.joined(separator: ", ")
            return Diagnostic(file: file, line: context.mark.line, column: context.mark.column,
                              message: "duplicate key \(keys) in the same mapping")
        case .reader(let problem, _, _, _):
            return Diagnostic(file: file, line: 1, column: 1, message: "YAML: \(problem)")
        default:
            return Diagnostic(file: file, line: 1, column: 1, message: "YAML: \(error)")
        }
    }

    /// `path` as written, or relative to `directory` when it is relative.
    public static func resolve(_ path: String, against directory: String) -> String {
        if path.hasPrefix("/") { return path }
        return URL(fileURLWithPath: directory).appendingPathComponent(path).standardizedFileURL.path
    }

    private static func decode(_ root: Node, reader: NodeReader, path: String) -> Configuration? {
        guard let top = reader.mapping(root, "the configuration", allowed: topKeys, required: ["policies"]) else { return nil }
        let directory = URL(fileURLWithPath: path).deletingLastPathComponent().path

        var firmName = ""
        var firmPhone: String?, firmEmail: String?
        if let n = top["firm"], let f = reader.mapping(n, "firm", allowed: ["name", "phone", "email"]) {
            firmName = f["name"].flatMap { reader.string($0, "firm name") } ?? ""
            // How clients reach the firm: HELP replies give both (carriers require contact details).
            if let p = f["phone"], let v = reader.string(p, "firm phone") {
                if v.filter(\.isNumber).count >= 7 { firmPhone = v } else { reader.error(p, "firm phone must be a telephone number") }
            }
            if let e = f["email"], let v = reader.string(e, "firm email") {
                if Recipient.isEmailAddress(v) { firmEmail = v } else { reader.error(e, "firm email must be an email address") }
            }
        }
        var calendars: [String: BusinessCalendar] = [:]
        if let n = top["calendars"] { calendars = CalendarDecoder(reader: reader, baseDirectory: directory).decode(n) }

        var channels: [String: ChannelSettings] = ["journal": .journal]
        var credentials: [CredentialReference] = []
        if let n = top["channels"] { (channels, credentials) = ChannelDecoder(reader: reader, baseDirectory: directory).decode(n) }

        var defaultCalendar = calendars["firm"] ?? (calendars.count == 1 ? calendars.values.first! : nil)
        if top["calendars"] == nil { defaultCalendar = .utcDefault }
        var defaults = PolicyDefaults()
        if let n = top["defaults"], let f = reader.mapping(n, "defaults", allowed: ["via", "deliver", "calendar"]) {
            if let cn = f["calendar"], let name = reader.string(cn, "calendar") {
                if let c = calendars[name] { defaultCalendar = c } else {
                    reader.error(cn, "unknown calendar '\(name)'")
                }
            }
            if let vn = f["via"], let items = reader.strings(vn, "via") {
                defaults.via = []
                for (name, cn) in items {
                    if channels[name] == nil { reader.error(cn, "unknown channel '\(name)'") } else { defaults.via.append(name) }
                }
            }
            if let dn = f["deliver"], let s = reader.string(dn, "deliver") {
                if let d = Stage.Delivery(rawValue: s) { defaults.deliver = d } else {
                    reader.error(dn, "deliver must be business_hours or immediately")
                }
            }
        }
        // Ambiguity is judged on the calendars declared: one that failed to load has its own error already.
        var declared: [String] = []
        if let n = top["calendars"], case .mapping(let m) = n {
            declared = m.compactMap { if case .scalar(let k) = $0.key { k.string } else { nil } }
        }
        let chosen = top["defaults"].flatMap { if case .mapping(let m) = $0 { m.contains { if case .scalar(let k) = $0.key { k.string == "calendar" } else { false } } } else { false } } ?? false
        let ambiguous = declared.count > 1 && !declared.contains("firm") && !chosen
        defaults.calendar = ambiguous ? nil : (defaultCalendar ?? .utcDefault)

        var store = StoreLocation.sqlite(path: resolve("/var/lib/tickler/tickler.db", against: directory))
        let storeLocation = reader.location(top["store"])
        var storeLease = 30
        if let n = top["store"], let f = reader.mapping(n, "store", allowed: ["sqlite", "postgres", "password_credential", "lease"]) {
            if f["sqlite"] != nil && f["postgres"] != nil {
                reader.error(n, "store names both sqlite and postgres: give one")
            } else if let sn = f["sqlite"] {
                if let p = reader.string(sn, "sqlite") { store = .sqlite(path: resolve(p, against: directory)) }
                if let c = f["password_credential"] { reader.error(c, "password_credential is for a postgres store") }
                if let l = f["lease"] { reader.error(l, "lease is for a postgres store (one instance uses a SQLite file)") }
            } else if let pn = f["postgres"] {
                var credential: String?
                if let c = f["password_credential"], let name = reader.string(c, "password_credential") {
                    credential = name
                    credentials.append(CredentialReference(name: name, owner: .store, location: reader.location(c)))
                }
                if let ln = f["lease"], let l = seconds(ln, "lease", reader: reader) {
                    if l < 5 || l > 600 {
                        reader.error(ln, "lease must be from 5s to 10m: how long a silent instance's claims hold before another takes them")
                    } else {
                        storeLease = l
                    }
                }
                if let text = reader.string(pn, "postgres") {
                    switch PostgresURL.parse(text) {
                    case .success(var url):
                        // The password must reach only the database it is for: over TLS with the server's name
                        // verified, or over loopback. (prefer and disable send it in the clear; require to any
                        // certificate, a stranger's included.)
                        if credential != nil && url.sslMode != "verify-full" && !LoopbackHost.contains(url.host) {
                            reader.error(pn, "postgres: sslmode=\(url.sslMode) would send the password (password_credential) "
                                + "unverified or in the clear to \(url.host); use sslmode=verify-full (and sslrootcert for a "
                                + "private CA), or a loopback address")
                        }
                        if let ca = url.rootCertificate {
                            url.rootCertificate = ca == "system" ? nil : resolve(ca, against: directory)
                        }
                        store = .postgres(url, passwordCredential: credential)
                    case .failure(let problem): reader.error(pn, "postgres: \(problem)")
                    }
                }
            } else {
                reader.error(n, "store needs sqlite (a file) or postgres (a URL)")
            }
        }

        var poll = PollSettings()
        if let n = top["poll"], let f = reader.mapping(n, "poll", allowed: ["interval", "full_rescan"]) {
            if let i = f["interval"] { poll.interval = seconds(i, "interval", reader: reader) ?? poll.interval }
            if let r = f["full_rescan"] { poll.fullRescan = seconds(r, "full_rescan", reader: reader) ?? poll.fullRescan }
        }

        var includeClient = false
        if let n = top["journal"], let f = reader.mapping(n, "journal", allowed: ["include_client"]) {
            includeClient = f["include_client"].flatMap { reader.bool($0, "include_client") } ?? false
        }

        var retry = RetryPolicy()
        if let n = top["delivery"], let f = reader.mapping(n, "delivery", allowed: ["retry_after", "retry_max"]) {
            let first = f["retry_after"].flatMap { seconds($0, "retry_after", reader: reader) } ?? Int(retry.base)
            let most = f["retry_max"].flatMap { seconds($0, "retry_max", reader: reader) } ?? max(Int(retry.cap), first)
            if most < first {
                reader.error(f["retry_max"] ?? n, "retry_max must be at least retry_after")
            } else {
                retry = RetryPolicy(base: Int64(first), cap: Int64(most))
            }
        }

        var templates: String?
        if let n = top["templates"], let t = reader.string(n, "templates") {
            let path = resolve(t, against: directory)
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue {
                templates = path
            } else {
                reader.error(n, "templates '\(t)' is not a directory")
            }
        } else {
            var isDirectory: ObjCBool = false
            let path = resolve("templates", against: directory)
            if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue { templates = path }
        }

        var digest: DigestSettings?
        if let n = top["digest"] {
            digest = DigestDecoder(reader: reader, calendars: calendars, channels: channels, defaultCalendar: defaults.calendar)
                .decode(n)
        }

        var metrics: MetricsFile?
        if let n = top["metrics"], let f = reader.mapping(n, "metrics", allowed: ["textfile", "mode", "group"], required: ["textfile"]),
           let tn = f["textfile"], let t = reader.string(tn, "textfile") {
            let path = resolve(t, against: directory)
            var file = MetricsFile(path: path)
            var valid = true
            if !path.hasSuffix(".prom") {
                reader.error(tn, "textfile must end in .prom (node_exporter's textfile collector reads only those)")
                valid = false
            }
            if let mn = f["mode"], let m = reader.string(mn, "mode") {
                if let mode = MetricsFile.parseMode(m) { file.mode = mode } else {
                    reader.error(mn, "mode must be octal permissions like \"0640\" or \"0644\": read-write for the owner, at most read for the group and others")
                    valid = false
                }
            }
            if let gn = f["group"], let g = reader.string(gn, "group") {
                if let group = MetricsFile.lookupGroup(g) { file.group = group } else {
                    reader.error(gn, "no group named '\(g)' on this system")
                    valid = false
                }
            }
            if valid { metrics = file }
        }

        var courtsDirectory: String?
        if let n = top["courts"], let dir = reader.string(n, "courts") {
            // The firm's own courts and holiday files (docs/courts.md), each checked here.
            let full = resolve(dir, against: directory)
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: full, isDirectory: &isDirectory), isDirectory.boolValue {
                courtsDirectory = full
                reader.add(CourtLibrary.standard(firm: full).check(in: full))
            } else {
                reader.error(n, "courts '\(dir)' must be a directory of court files")
            }
        }
        var deadlineRules: [DeadlineRule] = []
        if let n = top["deadline_rules"] {
            deadlineRules = DeadlineRuleDecoder(reader: reader, calendars: calendars, fallback: calendars["court"] ?? defaults.calendar,
                                                courts: CourtResolver(CourtLibrary.standard(firm: courtsDirectory))).decode(n)
        }

        var clients: ClientSettings?
        let clientDecoder = ClientDecoder(reader: reader, calendars: calendars, channels: channels, defaultCalendar: defaults.calendar,
                                          firmPhone: firmPhone, firmEmail: firmEmail)
        if let n = top["clients"] {
            clients = clientDecoder.decode(n, stages: top["stages"])
            if clients?.inbound != nil, firmPhone == nil || firmEmail == nil {
                reader.warning(top["firm"] ?? n, "firm: gives no \(firmPhone == nil ? "phone" : "email")\(firmPhone == nil && firmEmail == nil ? " or email" : ""): "
                    + "HELP replies to clients' texts must say how to reach the firm (carriers require it)")
            }
        } else if let n = top["stages"] {
            clientDecoder.decodeStagesAlone(n)
        }

        var policies: [Policy] = []
        if let n = top["policies"] {
            policies = PolicyDecoder(reader: reader, calendars: calendars, channels: channels, defaults: defaults, clients: clients)
                .decode(n)
        }
        if let clients, !policies.contains(where: { $0.clock == .sinceStaffTask }) {
            policies.append(StaffTaskPolicy.builtIn(clients: clients, defaults: defaults,
                                                    calendar: defaults.calendar ?? calendars["firm"] ?? .utcDefault))
        }
        var clio: ClioSyncSettings?
        if let n = top["sync"] {
            let fallback = (defaults.calendar ?? calendars["firm"] ?? calendars.values.min { $0.name < $1.name } ?? .utcDefault).zone
            clio = SyncDecoder(reader: reader, fallbackZone: fallback.identifier).decode(n)
        }
        // A clio-task channel writes to sync.clio's account, with its credentials (then read by ticklerd too).
        for (name, settings) in channels.sorted(by: { $0.key < $1.key }) {
            guard case .clioTask = settings else { continue }
            guard let clio else {
                if top["sync"] == nil, let node = Self.channelNode(top["channels"], name) {
                    reader.error(node, "channel '\(name)' (type clio-task) writes to the Clio account of sync.clio, which is not configured")
                }
                continue
            }
            channels[name] = .clioTask(.init(apiURL: clio.apiURL, tokenURL: clio.tokenURL, clientID: clio.clientID,
                                             clientSecretCredential: clio.clientSecretCredential.name,
                                             refreshTokenCredential: clio.refreshTokenCredential.name, timeZone: clio.timeZone))
            for ref in [clio.clientSecretCredential, clio.refreshTokenCredential] {
                credentials.append(CredentialReference(name: ref.name, owner: .channel(name), location: ref.location))
            }
        }
        var config = Configuration(
            path: path, firmName: firmName, calendars: calendars.isEmpty ? ["default": .utcDefault] : calendars,
            // Command-line dates need a zone even when policies name their calendars: the first by name.
            defaultCalendar: defaults.calendar ?? calendars.values.min { $0.name < $1.name } ?? .utcDefault, store: store, storeLease: storeLease, poll: poll, channels: channels,
            journalIncludesClient: includeClient, policies: policies, templatesDirectory: templates, digest: digest, retry: retry,
            metrics: metrics, deadlineRules: deadlineRules, storeLocation: storeLocation, credentials: credentials, clients: clients)
        config.clio = clio
        if let n = top["mailboxes"] {
            // Their credentials are `tickler sync mail`'s, not the daemon's: not in `credentials`.
            config.mailboxes = MailboxDecoder(reader: reader).decode(n)
        }
        config.courtsDirectory = courtsDirectory
        return config
    }

    /// The node of channel `name` under `channels:`, for an error about it.
    static func channelNode(_ channels: Node?, _ name: String) -> Node? {
        guard case .mapping(let m)? = channels else { return nil }
        return m.first { key, _ in if case .scalar(let k) = key { k.string == name } else { false } }?.value
    }

    /// `60s`, `5m`, `1h`, `90 seconds`, `2 minutes`, `1 hour`: a positive number of seconds.
    static func seconds(_ node: Node, _ what: String, reader: NodeReader) -> Int? {
        guard let text = reader.string(node, what) else { return nil }
        let t = text.trimmingCharacters(in: .whitespaces).lowercased()
        let digits = t.prefix(while: \.isNumber)
        let unit = t.dropFirst(digits.count).trimmingCharacters(in: .whitespaces)
        let factors: [String: Int] = ["s": 1, "sec": 1, "second": 1, "seconds": 1, "m": 60, "min": 60, "minute": 60,
                                      "minutes": 60, "h": 3600, "hour": 3600, "hours": 3600]
        guard let n = Int(digits), n > 0, n <= 86_400 * 7, let f = factors[unit] else {
            reader.error(node, "\(what) '\(text)' must be a positive duration such as 60s, 5m or 1h")
            return nil
        }
        return n * f
    }
}
