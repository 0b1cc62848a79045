import TicklerCore
import Yams

/// `deadline_rules:`: `{ id, on_event, period, counting, calendar, title, kind, add_days_for_mail }`, or with
/// `court: COURT` (that court's method, zone, holidays and service days) or `court: case` (the case's court,
/// else `default_court:`) in place of `counting`, `calendar` and `add_days_for_mail`.
struct DeadlineRuleDecoder {
    let reader: NodeReader
    let calendars: [String: BusinessCalendar]
    /// The calendar of a rule that names none: `court`, else the default calendar.
    let fallback: BusinessCalendar?
    let courts: CourtResolver

    func decode(_ node: Node) -> [DeadlineRule] {
        guard let items = reader.sequence(node, "deadline_rules") else { return [] }
        var rules: [DeadlineRule] = []
        var seen = Set<String>()
        for item in items {
            let keys = ["id", "on_event", "period", "counting", "calendar", "title", "kind", "add_days_for_mail", "court", "default_court"]
            guard let f = reader.mapping(item, "a deadline rule", allowed: keys, required: ["id", "on_event", "period"])
            else { continue }
            var ok = true
            var id = ""
            if let n = f["id"], let v = reader.string(n, "id") {
                id = v
                if !CalendarDecoder.isValidName(v) || v.contains(":") {
                    reader.error(n, "deadline rule id '\(v)' must be letters, digits, '-' or '_'")
                    ok = false
                } else if !seen.insert(v).inserted {
                    reader.error(n, "duplicate deadline rule id '\(v)'")
                    ok = false
                }
            } else { ok = false }
            let what = "deadline rule '\(id)'"
            var event = ""
            if let n = f["on_event"], let v = reader.string(n, "on_event") {
                event = v
                if v.isEmpty { reader.error(n, "on_event must name an event kind"); ok = false }
            } else { ok = false }
            var period: CourtPeriod?
            if let n = f["period"], let v = reader.string(n, "period") {
                period = CourtPeriod(parsing: v)
                if period == nil {
                    reader.error(n, "period '\(v)' must be N days, N court days or N hours, optionally followed by 'before' (\"21 days\", \"72 hours\", \"16 court days before\")")
                    ok = false
                }
            } else { ok = false }
            var kind = Deadline.Kind.court
            if let n = f["kind"], let v = reader.string(n, "kind") {
                if let k = Deadline.Kind(rawValue: v) { kind = k } else {
                    reader.error(n, "deadline kind '\(v)' must be one of \(Deadline.Kind.allCases.map(\.rawValue).joined(separator: ", "))")
                    ok = false
                }
            }
            let title = f["title"].flatMap { reader.string($0, "title") } ?? ""
            if let n = f["court"] {
                let choice = court(n, f["default_court"], period: period, rule: what)
                for key in ["counting", "calendar", "add_days_for_mail"] where f[key] != nil {
                    reader.error(f[key], "\(what): court: sets the counting, the calendar and the days added for service; leave out \(key)")
                    ok = false
                }
                guard ok, let period, let choice else { continue }
                rules.append(DeadlineRule(id: id, onEvent: event, period: period, calendar: fallback ?? .utcDefault, title: title, kind: kind,
                                          court: choice, courts: courts))
                continue
            }
            if let n = f["default_court"] { reader.error(n, "\(what): default_court goes with court: case"); ok = false }
            if period?.unit == .courtDays, let n = f["period"] {
                reader.error(n, "\(what): a period in court days needs court: (Fed. R. Civ. P. 6(a) counts every day)")
                ok = false
            }
            var counting = DeadlineRule.Counting.frcp6a
            if let n = f["counting"], let v = reader.string(n, "counting") {
                if let c = DeadlineRule.Counting(rawValue: v) { counting = c } else {
                    reader.error(n, "unknown counting '\(v)'; expected \(DeadlineRule.Counting.allCases.map(\.rawValue).joined(separator: ", "))")
                    ok = false
                }
            }
            var calendar = fallback
            if let n = f["calendar"], let v = reader.string(n, "calendar") {
                calendar = calendars[v]
                if calendar == nil {
                    reader.error(n, "unknown calendar '\(v)'")
                    ok = false
                }
            } else if calendar == nil {
                reader.error(item, "\(what) needs a calendar: there is no 'court' calendar and no single default")
                ok = false
            }
            var mail = 0
            if let n = f["add_days_for_mail"] {
                if let v = reader.int(n, "add_days_for_mail", range: 0...30) { mail = v } else { ok = false }
                if mail > 0, period?.backward == true {
                    reader.error(n, "add_days_for_mail applies to periods after service, not to a period counted backward")
                    ok = false
                }
            }
            guard ok, let period, let calendar else { continue }
            rules.append(DeadlineRule(id: id, onEvent: event, period: period, counting: counting, calendar: calendar,
                                      title: title, kind: kind, addDaysForMail: mail))
        }
        return rules
    }

    /// `court: COURT` or `court: case` (with `default_court:`), each court found and checked against the period.
    private func court(_ node: Node, _ defaultNode: Node?, period: CourtPeriod?, rule what: String) -> CourtChoice? {
        guard let name = reader.string(node, "court") else { return nil }
        func load(_ id: String, _ at: Node) -> CourtRules? {
            guard let r = courts.rules(id) else {
                let known = courts.library.courtIDs
                reader.error(at, "\(what): unknown court '\(id)'" + (known.isEmpty
                    ? "; no court files were found (share/tickler/courts beside the executables, or the configuration's courts:)"
                    : "; the courts are \(known.joined(separator: ", "))"))
                return nil
            }
            if period?.unit == .hours && !r.court.method.isFederal {
                reader.error(at, "\(what): \(r.court.method.title) counts days only, not hours")
                return nil
            }
            return r
        }
        if name == "case" {
            var fallback: String?
            if let d = defaultNode, let id = reader.string(d, "default_court") {
                guard load(id, d) != nil else { return nil }
                fallback = id
            }
            return .ofCase(fallback: fallback)
        }
        if let d = defaultNode { reader.error(d, "\(what): default_court goes with court: case"); return nil }
        return load(name, node).map { _ in CourtChoice.fixed(name) }
    }
}
