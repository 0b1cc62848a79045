import TicklerCore
import Yams

/// Settings a policy falls back on: `defaults:` in the file.
struct PolicyDefaults {
    var via: [String] = ["journal"]
    var deliver: Stage.Delivery?
    /// Nil when several calendars are defined and none is named `firm` or chosen in `defaults`.
    var calendar: BusinessCalendar?
}

/// `policies:`: each policy's filter, clock and stages, checked against the calendars and channels.
struct PolicyDecoder {
    let reader: NodeReader
    let calendars: [String: BusinessCalendar]
    let channels: [String: ChannelSettings]
    let defaults: PolicyDefaults
    /// `clients:`, when the file has it: client recipients need it, and stage changes settle over its
    /// undo window.
    let clients: ClientSettings?
    /// Where `clients:` is missing, for messages: the file's start.
    var settleSeconds: Int64 { clients?.gate.undoWindow ?? ClientMessageGate.Settings().undoWindow }

    static let policyKeys = ["id", "description", "applies_to", "clock", "stages", "client_facing", "deliver", "ack_holds",
                             "purpose", "essential"]
    static let stageKeys = ["after", "before", "at", "action", "notify", "via", "deliver", "repeat"]

    func decode(_ node: Node) -> [Policy] {
        guard let items = reader.sequence(node, "policies") else { return [] }
        var out: [Policy] = []
        var ids: [String: Node] = [:]
        for item in items {
            guard let p = policy(item) else { continue }
            if let first = ids[p.id] {
                let line = first.mark.map { " (first defined at line \($0.line))" } ?? ""
                reader.error(idNode(item), "duplicate policy id '\(p.id)'\(line)")
                continue
            }
            ids[p.id] = idNode(item)
            out.append(p)
        }
        return out
    }

    private func idNode(_ item: Node) -> Node {
        if case .mapping(let m) = item,
           let v = m.first(where: { if case .scalar(let s) = $0.key { s.string == "id" } else { false } })?.value {
            return v
        }
        return item
    }

    private func policy(_ node: Node) -> Policy? {
        guard let f = reader.mapping(node, "policy", allowed: Self.policyKeys, required: ["id", "clock", "stages"]) else {
            return nil
        }
        var id = ""
        if let n = f["id"], let s = reader.string(n, "id") {
            if Self.isValidID(s) { id = s } else {
                reader.error(n, "policy id '\(s)' must start with a letter or digit and use only letters, digits, '.', '_' or '-'")
            }
        }
        let what = id.isEmpty ? "policy" : "policy '\(id)'"
        let description = f["description"].flatMap { reader.string($0, "description") } ?? ""
        let clientFacing = f["client_facing"].flatMap { reader.bool($0, "client_facing") } ?? false
        var purpose: MessagePurpose?
        if let n = f["purpose"], let s = reader.string(n, "purpose") {
            purpose = MessagePurpose(rawValue: s)
            if purpose == nil {
                reader.error(n, "purpose must be one of \(MessagePurpose.allCases.map(\.rawValue).joined(separator: ", "))")
            }
        }
        let essential = f["essential"].flatMap { reader.bool($0, "essential") }
        for key in ["purpose", "essential"] where f[key] != nil && !clientFacing {
            reader.error(f.keys[key], "\(key) applies to client messages: it needs client_facing: true")
        }
        let filter = f["applies_to"].flatMap(appliesTo) ?? CaseFilter()
        var policyDeliver = defaults.deliver
        if let n = f["deliver"] { policyDeliver = delivery(n) }
        let clockResult = f["clock"].flatMap { clock($0, what) }
        var stages: [Stage] = []
        var stageNodes: [Node] = []
        if let n = f["stages"], let items = reader.sequence(n, "stages") {
            if items.isEmpty { reader.error(n, "\(what) needs at least one stage") }
            let calendar = clockResult?.calendar ?? defaults.calendar ?? .utcDefault
            for (i, item) in items.enumerated() {
                if let s = stage(item, number: i + 1, isLast: i == items.count - 1, calendar: calendar,
                                 clock: clockResult?.clock, clientFacing: clientFacing, policyDeliver: policyDeliver) {
                    stages.append(s)
                    stageNodes.append(item)
                }
            }
        }
        if clientFacing, clockResult?.clock == .sinceStaffTask {
            reader.error(f.keys["client_facing"], "since: staff_task tells staff what Tickler could not do: it cannot be client_facing")
            return nil
        }
        guard !id.isEmpty, let (clock, calendar) = clockResult, !stages.isEmpty,
              stages.count == (f["stages"].flatMap { if case .sequence(let s) = $0 { s.count } else { nil } } ?? -1)
        else { return nil }
        var ack = (Period(1, .businessDays), calendar)
        if let n = f["ack_holds"] {
            guard let p = period(n, "ack_holds", policyCalendar: calendar) else { return nil }
            ack = p
        }
        let policy = Policy(id: id, description: description, appliesTo: filter, clock: clock, calendar: calendar,
                            stages: stages, clientFacing: clientFacing, ackHolds: ack.0, ackCounting: ack.1, purpose: purpose,
                            essential: essential)
        checkIncreasing(policy, stageNodes)
        return policy
    }

    static func isValidID(_ s: String) -> Bool {
        guard let first = s.first, first.isASCII, first.isLetter || first.isNumber else { return false }
        return s.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "._-".contains($0)) }
    }

    private func appliesTo(_ node: Node) -> CaseFilter? {
        guard let f = reader.mapping(node, "applies_to", allowed: ["status", "practice_area", "office", "tags", "stage"]) else {
            return nil
        }
        var filter = CaseFilter()
        if let n = f["status"], let items = reader.strings(n, "status") {
            var set = Set<CaseSnapshot.Status>()
            for (s, sn) in items {
                if let st = CaseSnapshot.Status(rawValue: s) { set.insert(st) } else {
                    reader.error(sn, "unknown case status '\(s)'; expected open, pending, on_hold or closed")
                }
            }
            filter.statuses = set
        }
        if let n = f["practice_area"], let items = reader.strings(n, "practice_area") { filter.practiceAreas = Set(items.map(\.0)) }
        if let n = f["office"], let items = reader.strings(n, "office") { filter.offices = Set(items.map(\.0)) }
        if let n = f["tags"], let items = reader.strings(n, "tags") { filter.tags = Set(items.map(\.0)) }
        if let n = f["stage"], let items = reader.strings(n, "stage") { filter.stages = Set(items.map(\.0)) }
        return filter
    }

    private func calendar(named name: String, _ node: Node) -> BusinessCalendar? {
        if let c = calendars[name] { return c }
        let known = calendars.keys.sorted().joined(separator: ", ")
        reader.error(node, "unknown calendar '\(name)'" + (known.isEmpty ? "; no calendars are defined" : "; defined: \(known)"))
        return nil
    }

    private func clock(_ node: Node, _ what: String) -> (clock: PolicyClock, calendar: BusinessCalendar)? {
        guard let f = reader.mapping(node, "clock", allowed: ["since", "until", "kinds", "calendar"]) else { return nil }
        var calendar = defaults.calendar
        var ok = true
        if let n = f["calendar"], let name = reader.string(n, "calendar") {
            if let c = self.calendar(named: name, n) { calendar = c } else { ok = false }
        } else if calendar == nil {
            reader.error(node, "clock of \(what) must name its calendar: several calendars are defined and none is "
                + "named 'firm' (or set defaults.calendar)")
            ok = false
        }
        let since = f["since"].flatMap { reader.string($0, "since") }
        let until = f["until"].flatMap { reader.string($0, "until") }
        if f["since"] != nil && f["until"] != nil {
            reader.error(f.keys["until"], "clock takes either since: or until:, not both")
            return nil
        }
        if f["kinds"] != nil && until != "deadline" {
            reader.error(f.keys["kinds"], "kinds: applies only to until: deadline")
            ok = false
        }
        var result: PolicyClock?
        if let s = since {
            switch s {
            case "client_update": result = .sinceClientUpdate
            case "inbound": result = .sinceInbound
            case "document_request": result = .sinceDocumentRequest
            case "activity": result = .sinceActivity
            case "opened": result = .sinceOpened
            case "stage_change": result = .sinceStageChange(settleSeconds: settleSeconds)
            case "closed": result = .sinceClosed
            case "low_score": result = .sinceLowScore(atMost: (clients?.surveyScale ?? .fivePoint).lowAtMost)
            case "staff_task": result = .sinceStaffTask
            default:
                reader.error(f["since"], "unknown clock 'since: \(s)'; expected one of \(PolicyClock.sinceValues.joined(separator: ", "))")
            }
        } else if let u = until {
            switch u {
            case "deadline":
                var kinds: Set<Deadline.Kind>?
                if let n = f["kinds"], let items = reader.strings(n, "kinds") {
                    var set = Set<Deadline.Kind>()
                    for (k, kn) in items {
                        if let kind = Deadline.Kind(rawValue: k) { set.insert(kind) } else {
                            reader.error(kn, "unknown deadline kind '\(k)'; expected court, filing, statute or internal")
                        }
                    }
                    kinds = set
                }
                result = .untilDeadline(kinds: kinds)
            case "appointment": result = .untilAppointment
            default:
                reader.error(f["until"], "unknown clock 'until: \(u)'; expected one of \(PolicyClock.untilValues.joined(separator: ", "))")
            }
        } else if f["since"] == nil && f["until"] == nil {
            reader.error(node, "clock of \(what) needs since: or until:")
        }
        guard ok, let result, let calendar else { return nil }
        return (result, calendar)
    }

    private func delivery(_ node: Node) -> Stage.Delivery? {
        guard let s = reader.string(node, "deliver") else { return nil }
        guard let d = Stage.Delivery(rawValue: s) else {
            reader.error(node, "deliver must be business_hours or immediately")
            return nil
        }
        return d
    }

    /// A period such as `10 business days`, with the calendar it counts on.
    private func period(_ node: Node, _ key: String, policyCalendar: BusinessCalendar) -> (Period, BusinessCalendar)? {
        guard let text = reader.string(node, key) else { return nil }
        guard let p = Period(parsing: text) else {
            reader.error(node, "\(key) '\(text)' is not a duration; write N minutes, hours, days, weeks, business days, "
                + "business hours or court days")
            return nil
        }
        if p.unit == .courtDays {
            guard let court = calendars["court"] else {
                reader.error(node, "court days count on the calendar named 'court', which is not defined")
                return nil
            }
            return (p, court)
        }
        return (p, policyCalendar)
    }

    private func stage(_ node: Node, number: Int, isLast: Bool, calendar: BusinessCalendar, clock: PolicyClock?,
                       clientFacing: Bool, policyDeliver: Stage.Delivery?) -> Stage? {
        let what = "stage \(number)"
        guard let f = reader.mapping(node, what, allowed: Self.stageKeys) else { return nil }
        var ok = true
        var side = Stage.Side.after
        var offset: (Period, BusinessCalendar)?
        switch (f["after"], f["before"]) {
        case (let a?, nil):
            offset = period(a, "after", policyCalendar: calendar)
        case (nil, let b?):
            side = .before
            offset = period(b, "before", policyCalendar: calendar)
            if let clock, clock.isSince {
                reader.error(f.keys["before"], "before: counts back from a future anchor; use it with an until: clock")
                ok = false
            }
        case (_?, _?):
            reader.error(f.keys["before"], "\(what) takes either after: or before:, not both")
            ok = false
        case (nil, nil):
            reader.error(node, "\(what) needs after: or before:")
            ok = false
        }
        var at: TimeOfDay?
        if let n = f["at"], let s = reader.string(n, "at") {
            if let t = TimeOfDay(hhmm: s), t.minuteOfDay < 1440 { at = t } else {
                reader.error(n, "at '\(s)' must be a time of day HH:MM (00:00 to 23:59)")
                ok = false
            }
        }
        var action = Stage.Action.remind
        if let n = f["action"], let s = reader.string(n, "action") {
            if let a = Stage.Action(rawValue: s) { action = a } else {
                reader.error(n, "action must be remind or escalate")
                ok = false
            }
        }
        var notify: [Recipient] = []
        if let n = f["notify"], let items = reader.strings(n, "notify") {
            for (text, rn) in items {
                guard let r = Recipient(parsing: text) else {
                    reader.error(rn, "unknown recipient '\(text)'; expected assignee, attorney, supervisor, client, "
                        + "role:NAME, person:ID or an email address")
                    ok = false
                    continue
                }
                if r == .client && !clientFacing {
                    reader.error(rn, "recipient 'client' requires client_facing: true on the policy")
                    ok = false
                } else if r == .client && (clients?.channels.isEmpty ?? true) {
                    reader.error(rn, "recipient 'client' needs clients: with the channels that carry client messages")
                    ok = false
                }
                notify.append(r)
            }
        }
        var via = defaults.via
        if let n = f["via"], let items = reader.strings(n, "via") {
            via = []
            for (name, cn) in items {
                if channels[name] == nil {
                    let known = channels.keys.sorted().joined(separator: ", ")
                    reader.error(cn, "unknown channel '\(name)'; defined: \(known)")
                    ok = false
                } else if case .sms = channels[name] {
                    reader.error(cn, "channel '\(name)' texts clients only: name it under clients.channels, and notify: [client]")
                    ok = false
                } else if !via.contains(name) { via.append(name) }
            }
        }
        var deliver = policyDeliver
        if let n = f["deliver"] {
            deliver = delivery(n)
            if deliver == nil { ok = false }
        }
        var repeatRule: Stage.Repeat?
        if let n = f["repeat"] {
            if !isLast {
                reader.error(f.keys["repeat"], "repeat: is allowed only on the last stage")
                ok = false
            } else if let rf = reader.mapping(n, "repeat", allowed: ["every", "max"], required: ["every", "max"]) {
                let every = rf["every"].flatMap { period($0, "every", policyCalendar: calendar) }
                if let e = every, e.0.amount == 0 {
                    reader.error(rf["every"], "every must be longer than zero")
                    ok = false
                }
                let max = rf["max"].flatMap { reader.int($0, "max", range: 0...1000) }
                if let e = every, let m = max, e.0.amount > 0 {
                    repeatRule = Stage.Repeat(every: e.0, max: m, counting: e.1)
                } else { ok = false }
            } else { ok = false }
        }
        guard ok, let (period, counting) = offset else { return nil }
        return Stage(number: number, side: side, offset: period, counting: counting, at: at, action: action,
                     notify: notify, via: via, deliver: deliver, repeatRule: repeatRule)
    }

    /// Each stage must come due after the one before it, for every anchor: checked over two years of
    /// anchors (each day at three times) so that units of different kinds are compared as the calendar counts them.
    private func checkIncreasing(_ policy: Policy, _ nodes: [Node]) {
        guard policy.stages.count > 1 else { return }
        let zone = policy.calendar.zone
        let start = LocalDate(year: 2026, month: 1, day: 1)
        var reported = Set<Int>()
        for day in 0..<730 {
            for hour in [1, 10, 22] {
                let anchor = zone.instant(date: start.adding(days: day), secondOfDay: hour * 3600)
                var previous: Instant?
                for (i, stage) in policy.stages.enumerated() {
                    let due = CycleSchedule.due(of: stage, in: policy, anchor: anchor)
                    if let p = previous, due <= p, !reported.contains(i) {
                        reported.insert(i)
                        let prev = policy.stages[i - 1]
                        reader.error(nodes[i], "stage offsets must increase: stage \(i + 1) (\(stage.offsetText)) is not later "
                            + "than stage \(i) (\(prev.offsetText)) for an anchor at \(zone.format(anchor))")
                    }
                    previous = due
                }
            }
            if reported.count == policy.stages.count - 1 { return }
        }
    }
}

extension PolicyClock {
    var isSince: Bool {
        switch self {
        case .untilDeadline, .untilAppointment: false
        default: true
        }
    }
}
