import Foundation
import TicklerCore
import Yams

/// `clients:` (which channels carry client messages, languages, undo window, quiet hours per purpose) and
/// `stages:` (each practice area's stages with their client-facing text per language).
///
/// ```yaml
/// clients:
///   channels: { email: email, sms: texts }
///   languages: [en, es]            # the first is the fallback
///   undo_window: 10m
///   max_delay: 48h
///   quiet_hours:
///     default: { hours: "08:00-20:00", days: [mon, tue, wed, thu, fri], holidays: firm }
///     reminders: { hours: "07:00-21:00" }
/// stages:
///   default:
///     - id: intake
///       text: { en: { name: Getting started, means: …, next: …, needs: … }, es: { … } }
///     - { id: medical-evaluation, sensitive: true }
/// ```
struct ClientDecoder {
    let reader: NodeReader
    let calendars: [String: BusinessCalendar]
    let channels: [String: ChannelSettings]
    let defaultCalendar: BusinessCalendar?
    /// `firm.phone` and `firm.email`.
    var firmPhone: String? = nil
    var firmEmail: String? = nil

    static let keys = ["channels", "languages", "undo_window", "max_delay", "quiet_hours", "inbound", "surveys", "portal_url"]
    static let quietKeys = ["hours", "days", "holidays"]
    static let textKeys = ["name", "means", "next", "needs"]

    func decode(_ node: Node, stages stagesNode: Node?) -> ClientSettings? {
        guard let f = reader.mapping(node, "clients", allowed: Self.keys, required: ["channels"]) else { return nil }
        var ok = true
        var media: [Contact.Medium: String] = [:]
        if let n = f["channels"], let c = reader.mapping(n, "clients.channels", allowed: Contact.Medium.allCases.map(\.rawValue)) {
            for medium in Contact.Medium.allCases {
                guard let vn = c[medium.rawValue], let name = reader.string(vn, "clients.channels.\(medium.rawValue)") else { continue }
                switch (medium, channels[name]) {
                case (_, nil):
                    reader.error(vn, "unknown channel '\(name)'")
                    ok = false
                case (.email, .email?), (.sms, .sms?): media[medium] = name
                case (.email, _?):
                    reader.error(vn, "client email goes by an email channel: '\(name)' is not one")
                    ok = false
                case (.sms, _?):
                    reader.error(vn, "client texts go by an sms channel: '\(name)' is not one")
                    ok = false
                }
            }
            if c.order.isEmpty { reader.error(n, "clients.channels must name an email or an sms channel"); ok = false }
        }
        var languages = ["en"]
        if let n = f["languages"], let items = reader.strings(n, "languages") {
            languages = []
            for (l, ln) in items {
                if !Self.isLanguageTag(l) {
                    reader.error(ln, "language '\(l)' must be a language tag such as en, es or pt-BR")
                    ok = false
                } else if languages.contains(l) {
                    reader.error(ln, "language '\(l)' is listed twice")
                } else {
                    languages.append(l)
                }
            }
            if languages.isEmpty { reader.error(n, "languages must list at least one"); ok = false }
        }
        var gate = ClientMessageGate.Settings()
        if let n = f["undo_window"] {
            if let s = ConfigurationLoader.seconds(n, "undo_window", reader: reader) { gate.undoWindow = Int64(s) } else { ok = false }
        }
        if let n = f["max_delay"] {
            if let s = ConfigurationLoader.seconds(n, "max_delay", reader: reader) { gate.maxDelay = Int64(s) } else { ok = false }
        }
        var quiet = QuietHours(holidays: defaultCalendar?.holidays ?? .none)
        var perPurpose: [MessagePurpose: Node] = [:]
        if let n = f["quiet_hours"] {
            let allowed = ["default"] + MessagePurpose.allCases.map(\.rawValue)
            if let q = reader.mapping(n, "clients.quiet_hours", allowed: allowed) {
                if let dn = q["default"] {
                    if let d = quietHours(dn, base: quiet, "quiet_hours.default") { quiet = d } else { ok = false }
                }
                for p in MessagePurpose.allCases { if let pn = q[p.rawValue] { perPurpose[p] = pn } }
            }
        }
        for p in MessagePurpose.allCases {
            if let pn = perPurpose[p] {
                if let h = quietHours(pn, base: quiet, "quiet_hours.\(p.rawValue)") { gate.quietHours[p] = h } else { ok = false }
            } else {
                gate.quietHours[p] = quiet
            }
        }
        let stages = stagesNode.map { self.stages($0, languages: languages) } ?? StageVocabulary()
        var inbound: ClientSettings.Inbound?
        if let n = f["inbound"] {
            inbound = self.inbound(n, languages: languages, hasSMS: media[.sms] != nil)
            if inbound == nil { ok = false }
        }
        var scale = SurveyScale.fivePoint
        if let n = f["surveys"], let s = reader.mapping(n, "clients.surveys", allowed: ["scale", "low_at_most"]) {
            if let sn = s["scale"], let text = reader.string(sn, "scale") {
                switch text {
                case "1-5": scale = .fivePoint
                case "0-10", "nps": scale = .nps
                default:
                    reader.error(sn, "scale must be 1-5 or 0-10 (nps)")
                    ok = false
                }
            }
            if let ln = s["low_at_most"] {
                if let v = reader.int(ln, "low_at_most", range: scale.min...(scale.max - 1)) { scale.lowAtMost = v } else { ok = false }
            }
        }
        var portal: String?
        if let n = f["portal_url"], let u = reader.string(n, "portal_url") {
            if let problem = ChannelDecoder.httpsProblem(u) {
                reader.error(n, "portal_url \(problem)")
                ok = false
            } else {
                portal = u
            }
        }
        guard ok else { return nil }
        return ClientSettings(channels: media, languages: languages, gate: gate, stages: stages,
                              defaultZone: defaultCalendar?.zone ?? .utc, inbound: inbound, surveyScale: scale, portalURL: portal,
                              firmPhone: firmPhone, firmEmail: firmEmail)
    }

    /// `inbound: { public_url: "https://tickler.firm.test", autoreply: { en: "…", es: "…" } }`.
    private func inbound(_ node: Node, languages: [String], hasSMS: Bool) -> ClientSettings.Inbound? {
        let keys = ["public_url", "autoreply", "accept_fields", "max_connections", "request_timeout", "idle_timeout", "intake"]
        guard let f = reader.mapping(node, "clients.inbound", allowed: keys, required: ["public_url"]) else {
            return nil
        }
        var ok = hasSMS
        if !hasSMS { reader.error(node, "inbound replies come through the sms channel: name one in clients.channels.sms") }
        var url = ""
        if let n = f["public_url"], let u = reader.string(n, "public_url") {
            url = u.hasSuffix("/") ? String(u.dropLast()) : u
            if let problem = ChannelDecoder.httpsProblem(u) {
                reader.error(n, "public_url \(problem)")
                ok = false
            }
        } else { ok = false }
        var autoreply: [String: String] = [:]
        if let n = f["autoreply"], let a = reader.mapping(n, "clients.inbound.autoreply", allowed: languages) {
            for language in a.order { if let v = a[language].flatMap({ reader.string($0, "autoreply") }) { autoreply[language] = v } }
        }
        var settings = ClientSettings.Inbound(publicURL: url, autoreply: autoreply)
        if let n = f["accept_fields"], let names = reader.strings(n, "accept_fields") {
            for (name, item) in names where name.isEmpty || name.count > 64
                || !name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber) }) {
                reader.error(item, "accept_fields names form fields: letters and digits, at most 64")
                ok = false
            }
            settings.acceptFields = names.map(\.0)
        }
        if let n = f["intake"], let address = reader.string(n, "intake") {
            if Recipient.isEmailAddress(address) { settings.intake = address } else {
                reader.error(n, "intake is the email address texts from unknown numbers and about closed cases go to")
                ok = false
            }
        }
        if let n = f["max_connections"] {
            if let v = reader.int(n, "max_connections", range: 1...4096) { settings.maxConnections = v } else { ok = false }
        }
        for (key, range) in [("request_timeout", 1...120), ("idle_timeout", 1...600)] {
            guard let n = f[key] else { continue }
            guard let s = ConfigurationLoader.seconds(n, key, reader: reader) else { ok = false; continue }
            guard range.contains(s) else {
                reader.error(n, "\(key) must be from \(range.lowerBound)s to \(range.upperBound)s")
                ok = false
                continue
            }
            if key == "request_timeout" { settings.requestTimeout = s } else { settings.idleTimeout = s }
        }
        return ok ? settings : nil
    }

    /// `stages:` without `clients:`: its texts are checked, and unused.
    func decodeStagesAlone(_ node: Node) {
        reader.error(node, "stages: are the text of client messages: they need clients: too")
        _ = stages(node, languages: ["en"])
    }

    private func quietHours(_ node: Node, base: QuietHours, _ what: String) -> QuietHours? {
        guard let f = reader.mapping(node, what, allowed: Self.quietKeys) else { return nil }
        var h = base
        var ok = true
        if let n = f["hours"], let s = reader.string(n, "hours") {
            let range = s.split(separator: "-")
            if range.count == 2, let open = TimeOfDay(hhmm: String(range[0]).trimmingCharacters(in: .whitespaces)),
               let close = TimeOfDay(hhmm: String(range[1]).trimmingCharacters(in: .whitespaces)), open < close,
               close.minuteOfDay <= 24 * 60 {
                h.open = open
                h.close = close
            } else {
                reader.error(n, "hours '\(s)' must look like 08:00-20:00, opening before closing")
                ok = false
            }
        }
        if let n = f["days"], let items = reader.strings(n, "days") {
            var days = Set<Weekday>()
            for (d, dn) in items {
                if let w = Weekday(name: d) { days.insert(w) } else {
                    reader.error(dn, "unknown weekday '\(d)'; expected mon, tue, wed, thu, fri, sat or sun")
                    ok = false
                }
            }
            if items.isEmpty { reader.error(n, "days must list at least one day"); ok = false }
            h.days = days
        }
        if let n = f["holidays"], let name = reader.string(n, "holidays") {
            if name == "none" { h.holidays = .none } else if let c = calendars[name] { h.holidays = c.holidays } else {
                reader.error(n, "holidays names a calendar (whose holidays are quiet) or none; '\(name)' is neither")
                ok = false
            }
        }
        return ok ? h : nil
    }

    private func stages(_ node: Node, languages: [String]) -> StageVocabulary {
        guard case .mapping(let m) = node else {
            reader.error(node, "stages must be a mapping of practice areas to their lists of stages")
            return StageVocabulary()
        }
        var areas: [String: [StageVocabulary.Stage]] = [:]
        for (keyNode, value) in m {
            guard case .scalar(let k) = keyNode else {
                reader.error(keyNode, "stages keys must be practice areas")
                continue
            }
            let area = k.string
            if areas[area] != nil {
                reader.error(keyNode, "duplicate practice area '\(area)' in stages")
                continue
            }
            guard let items = reader.sequence(value, "stages of \(area)") else { continue }
            var list: [StageVocabulary.Stage] = []
            for item in items {
                guard let s = stage(item, area: area, languages: languages) else { continue }
                if list.contains(where: { $0.id == s.id }) {
                    reader.error(item, "stage '\(s.id)' is listed twice in \(area)")
                    continue
                }
                list.append(s)
            }
            areas[area] = list
        }
        return StageVocabulary(areas: areas)
    }

    private func stage(_ node: Node, area: String, languages: [String]) -> StageVocabulary.Stage? {
        guard let f = reader.mapping(node, "stage of \(area)", allowed: ["id", "sensitive", "text"], required: ["id"]),
              let idNode = f["id"], let id = reader.string(idNode, "id") else { return nil }
        let sensitive = f["sensitive"].flatMap { reader.bool($0, "sensitive") } ?? false
        var texts: [String: StageVocabulary.Text] = [:]
        if let tn = f["text"], let t = reader.mapping(tn, "text of stage '\(id)'", allowed: languages) {
            for language in t.order {
                guard let ln = t[language],
                      let g = reader.mapping(ln, "\(language) text of stage '\(id)'", allowed: Self.textKeys, required: ["name"])
                else { continue }
                func text(_ key: String) -> String { g[key].flatMap { reader.string($0, key) } ?? "" }
                texts[language] = StageVocabulary.Text(name: text("name"), means: text("means"), next: text("next"),
                                                       needs: text("needs"))
            }
        }
        if !sensitive && texts[languages[0]] == nil {
            reader.error(f["text"] ?? node, "stage '\(id)' needs its text in \(languages[0]), the fallback language "
                + "(or sensitive: true, which sends only a request to call)")
        } else if !sensitive {
            // A contact in a language the stage has no text in gets the whole message in the fallback
            // language: said here, so the firm can write the text.
            for language in languages.dropFirst() where texts[language] == nil {
                reader.warning(f["text"] ?? node, "stage '\(id)' of \(area) has no \(language) text: contacts in \(language) "
                    + "get its messages in \(languages[0])")
            }
        }
        reader.stageLocations[area + "/" + id] = reader.location(f["text"] ?? node)
        return StageVocabulary.Stage(id: id, sensitive: sensitive, texts: texts)
    }

    /// `en`, `es`, `pt-BR`, `zh-Hant`: letters, then optional `-`-separated letters or digits.
    static func isLanguageTag(_ s: String) -> Bool {
        let parts = s.split(separator: "-", omittingEmptySubsequences: false)
        guard let first = parts.first, (2...3).contains(first.count), first.allSatisfy({ $0.isASCII && $0.isLetter }) else {
            return false
        }
        return parts.dropFirst().allSatisfy { (2...8).contains($0.count) && $0.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber) } }
    }
}
