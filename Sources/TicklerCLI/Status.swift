import ArgumentParser
import Foundation
import TicklerClio
import TicklerConfig
import TicklerCore
import TicklerMail
import TicklerPostgres
import TicklerStore

/// `tickler status`: the firm's backlog at a glance (open follow-ups by policy and stage, and per
/// assignee: who is drowning), the oldest unanswered inbound message, the deadlines of the next seven
/// court days, the deliveries in trouble, and the daemon's health as it last wrote it to the store.
struct Status: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Show the backlog and the daemon's health.")

    @OptionGroup var options: CommonOptions
    @Option(help: "Output format: table or json.") var format = "table"
    @Option(help: "As of this time (default now).") var at = "now"

    func run() async throws {
        guard ["table", "json"].contains(format) else { throw CommandFailure.usage("--format must be table or json") }
        let config = try options.loadConfiguration()
        let store = try await options.openStore(config)
        let zone = config.defaultCalendar.zone
        let now = try TimeArgument.parse(at, option: "--at", zone: zone, now: TimeArgument.wallClock)
        var report: StatusReport
        let queue: DeliveryHealth, health: [String: String]
        var clientWaits = ClientWaits()
        var instances: [InstanceRecord] = []
        var sync: SyncStatus?
        var mail: SyncStatus?
        var mailboxes: [MailboxStatus] = []
        do {
            let people = try await store.people()
            warn(people.badRows)
            let staff = Staff(people.people)
            let evaluation = FirmEvaluation(policies: config.policies, rules: try await CommonOptions.deadlineRules(config, store), staff: staff)
            let court = config.calendars["court"] ?? config.defaultCalendar
            let horizon = court.shift(now, by: Period(7, .businessDays))
            let parts = StatusParts()
            try await FirmScan.run(store, ledger: true, holds: false, work: { chunk in
                warn(chunk.badRows)
                return StatusReport.Part(chunk, evaluation: evaluation, horizon: horizon, now: now)
            }, sink: parts.add)
            report = StatusReport(staff: staff, horizon: horizon, now: now)
            report.add(parts.total)
            try await report.readDeadlineTitles(store, first: 50)
            queue = try await store.deliveryHealth(failedSince: Lookback.start(of: Lookback.recentFailures, endingAt: now,
                                                                               on: config.defaultCalendar))
            if config.clients != nil { clientWaits = ClientWaits(try await store.clientMessagesWaiting()) }
            health = try await store.health()
            if let shared = store as? any WorkClaims { instances = try await shared.instances() }
            if let clio = config.clio, let run = try await store.syncRun(source: ClioSync.source) {
                sync = SyncStatus(name: "Clio", run: run, reconcile: clio.reconcile)
            }
            if !config.mailboxes.isEmpty {
                let poll = config.mailboxes.map(\.poll).min() ?? 60
                mail = try await store.syncRun(source: MailService.source).map { SyncStatus(name: "Mail", run: $0, reconcile: poll) }
                for m in config.mailboxes {
                    mailboxes.append(MailboxStatus(name: m.name, folders: m.inbound + m.outbound, cursors: try await store.mailFolders(mailbox: m.name),
                                                   poll: m.poll))
                }
            }
        } catch {
            throw CommandFailure.unavailable("error: cannot read the store: \(error)")
        }
        if format == "json" {
            var o = report.json(zone: zone)
            o["deliveries"] = ["pending": queue.pending, "retrying": queue.retrying, "failed_last_day": queue.failed]
            if config.clients != nil {
                o["client_messages"] = ["undo_window": clientWaits.undo, "quiet_hours": clientWaits.quiet, "due": clientWaits.due,
                                        "not_sent_no_consent": clientWaits.noConsent]
            }
            o["daemon"] = health
            var syncs: [String: Any] = [:]
            if let sync { syncs["clio"] = sync.json(now: now) }
            if let mail { syncs["mail"] = mail.json(now: now) }
            if !syncs.isEmpty { o["sync"] = syncs }
            if !mailboxes.isEmpty { o["mailboxes"] = Dictionary(uniqueKeysWithValues: mailboxes.map { ($0.name, $0.json(now: now)) }) }
            if !instances.isEmpty {
                o["instances"] = instances.map { i -> [String: Any] in
                    ["id": i.id, "host": i.host, "pid": i.pid, "seen_at": i.seenAt.rfc3339, "clock_offset_ms": i.offsetMilliseconds,
                     "last_tick_at": i.health["last_tick_at"] ?? "", "leases": i.health["leases"] ?? ""]
                }
            }
            return Output.standard.line(try JSONLine.encode(o))
        }
        let colour = isatty(1) == 1 && ProcessInfo.processInfo.environment["NO_COLOR"] == nil
        for line in report.table(zone: zone, colour: colour) { Output.standard.line(line) }
        Output.standard.line("")
        Output.standard.line("Deliveries: \(queue.pending) pending, \(queue.retrying) being retried, "
            + "\(queue.failed) refused in the last day")
        if config.clients != nil {
            Output.standard.line("Client messages: \(clientWaits.undo) in their undo window, \(clientWaits.quiet) held by quiet hours, "
                + "\(clientWaits.due) due; \(clientWaits.noConsent) not sent for want of consent")
        }
        if let last = health["last_tick_at"].flatMap(RFC3339.parse) {
            let age = now.seconds - last.seconds
            let stale = age > Int64(max(3 * config.poll.interval, 300))
            let when = zone.format(last).prefix(16).replacingOccurrences(of: "T", with: " ")
            let line = "Daemon: last tick \(when) (\(Self.ago(age))), \(health["last_tick_ms"] ?? "?") ms, "
                + "version \(health["version"] ?? "?")" + (stale ? " — not ticking" : "")
            Output.standard.line(stale && colour ? "\u{1B}[31m\(line)\u{1B}[0m" : line)
            // The daemon's last tick was a step of its catch-up (after a start, a reload or a restore).
            if let progress = health["catching_up"], !progress.isEmpty, !stale {
                Output.standard.line("Daemon is \(progress) evaluated again")
            }
            if let loaded = health["config_loaded_at"].flatMap(RFC3339.parse) {
                let head = "Configuration loaded " + zone.format(loaded).prefix(16).replacingOccurrences(of: "T", with: " ") + ": "
                var path = health["config"] ?? "?"
                if head.count + path.count > 80 { path = "…" + path.suffix(79 - head.count) }
                Output.standard.line(head + path)
            }
        } else {
            Output.standard.line("Daemon: no tick recorded in this store")
        }
        if let sync {
            let (line, alarming) = sync.line(now: now, zone: zone)
            Output.standard.line(alarming && colour ? "\u{1B}[31m\(line)\u{1B}[0m" : line)
        } else if config.clio != nil {
            Output.standard.line("Clio sync: never ran on this store")
        }
        if let mail {
            let (line, alarming) = mail.line(now: now, zone: zone)
            Output.standard.line(alarming && colour ? "\u{1B}[31m\(line)\u{1B}[0m" : line)
        } else if !config.mailboxes.isEmpty {
            Output.standard.line("Mail sync: never ran on this store")
        }
        for m in mailboxes {
            let (line, alarming) = m.line(now: now, zone: zone)
            Output.standard.line(alarming && colour ? "\u{1B}[31m\(line)\u{1B}[0m" : line)
        }
        // On PostgreSQL, every instance that has recorded itself: its last tick, clock offset, leases.
        for i in instances {
            let age = now.seconds - i.seenAt.seconds
            let stale = age > Int64(max(3 * config.poll.interval, 300))
            let offset = (Int64(i.health["clock_offset_ms"] ?? "") ?? i.offsetMilliseconds)
            var line = "Instance \(i.id): seen \(Self.ago(age)), clock \(String(format: "%+.1f", Double(offset) / 1000)) s"
            if let leases = i.health["leases"], !leases.isEmpty { line += ", holds \(leases)" }
            if stale { line += " — not ticking" }
            Output.standard.line(line)
        }
    }

    static func ago(_ seconds: Int64) -> String {
        switch seconds {
        case ..<60: "\(max(0, seconds))s ago"
        case ..<3600: "\(seconds / 60)m ago"
        case ..<86_400: "\(seconds / 3600)h ago"
        default: "\(seconds / 86_400)d ago"
        }
    }
}

/// What `tickler status` computes from one snapshot: pure, so tests pin it.
struct StatusReport {
    struct Count: Comparable {
        var policy: String
        var stage: Int
        var count: Int
        static func < (a: Count, b: Count) -> Bool { (a.policy, a.stage) < (b.policy, b.stage) }
    }

    struct Assignee {
        var id: String
        var name: String
        var open: Int
        var escalations: Int
    }

    var openCases = 0
    var cycles: [Count] = []
    var assignees: [Assignee] = []
    var oldestInbound: (caseID: String, number: String, since: Instant)?
    var deadlines: [(caseID: String, number: String, subject: String, due: Instant, title: String)] = []
    /// Open staff tasks, oldest first, with their case.
    var tasks: [Task] = []
    var horizon: Instant
    let now: Instant

    /// What one chunk of cases adds to the report (computed on a worker, beside the read).
    struct Part: Sendable {
        var openCases = 0
        var byStage: [String: Int] = [:]
        var byAssignee: [String: Tally] = [:]
        var oldestInbound: Inbound?
        var deadlines: [Due] = []
        var tasks: [Task] = []

        init() {}

        init(_ chunk: EvaluationChunk, evaluation: FirmEvaluation, horizon: Instant, now: Instant) {
            for stored in chunk.cases {
                let (c, open) = evaluation.openFollowUps(stored, ledger: chunk.ledger, now: now)
                if c.status != .closed { openCases += 1 }
                for o in open {
                    byStage["\(o.policy)\u{0}\(o.step.stage)", default: 0] += 1
                    let who = c.assigneeID ?? "(unassigned)"
                    byAssignee[who, default: Tally()].open += 1
                    if o.action == .escalate { byAssignee[who, default: Tally()].escalations += 1 }
                }
                if c.status != .closed {
                    for s in PolicyClock.sinceInbound.subjects(of: c) where oldestInbound.map({ s.anchor < $0.since }) ?? true {
                        oldestInbound = Inbound(caseID: c.id, number: c.number, since: s.anchor)
                    }
                    for d in c.deadlines where d.completedAt == nil && d.dueAt >= now && d.dueAt <= horizon {
                        deadlines.append(Due(caseID: c.id, number: c.number, subject: "deadline:\(d.id)", due: d.dueAt))
                    }
                }
                let lastOutbound = c.lastPersonalOutbound
                for t in c.staffTasks where t.isOpen(lastPersonalOutbound: lastOutbound) {
                    tasks.append(Task(task: t, number: c.number, assignee: c.assigneeID))
                }
            }
        }

        /// Adds a later part (in the firm's order, so the first of equal oldest inbound messages stays).
        mutating func add(_ p: Part) {
            openCases += p.openCases
            byStage.merge(p.byStage, uniquingKeysWith: +)
            byAssignee.merge(p.byAssignee) { Tally(open: $0.open + $1.open, escalations: $0.escalations + $1.escalations) }
            if let i = p.oldestInbound, oldestInbound.map({ i.since < $0.since }) ?? true { oldestInbound = i }
            deadlines += p.deadlines
            tasks += p.tasks
        }
    }

    /// An open staff task with its case's number and assignee.
    struct Task: Sendable {
        var task: StaffTask
        var number: String
        var assignee: String?
    }

    struct Tally: Sendable {
        var open = 0
        var escalations = 0
    }

    struct Inbound: Sendable {
        var caseID: String
        var number: String
        var since: Instant
    }

    struct Due: Sendable {
        var caseID: String
        var number: String
        var subject: String
        var due: Instant
    }

    private let staff: Staff

    init(staff: Staff, horizon: Instant, now: Instant) {
        self.staff = staff
        self.horizon = horizon
        self.now = now
    }

    /// Puts a part's counts (the sum of every chunk's) in the report's order.
    mutating func add(_ part: Part) {
        openCases += part.openCases
        cycles = (cycles.map { ("\($0.policy)\u{0}\($0.stage)", $0.count) } + part.byStage.map { ($0.key, $0.value) })
            .reduce(into: [String: Int]()) { $0[$1.0, default: 0] += $1.1 }
            .map { key, n in
                let parts = key.split(separator: "\u{0}")
                return Count(policy: String(parts[0]), stage: Int(parts[1]) ?? 0, count: n)
            }.sorted()
        assignees = part.byAssignee.map { id, v in
            Assignee(id: id, name: staff.people[id]?.name ?? "", open: v.open, escalations: v.escalations)
        }.sorted { ($0.open, $0.escalations, $1.id) > ($1.open, $1.escalations, $0.id) }
        if let i = part.oldestInbound { oldestInbound = (i.caseID, i.number, i.since) }
        deadlines = part.deadlines.map { ($0.caseID, $0.number, $0.subject, $0.due, "") }
            .sorted { ($0.due, $0.number, $0.subject) < ($1.due, $1.number, $1.subject) }
        tasks = part.tasks.sorted { ($0.task.createdAt, $0.task.id) < ($1.task.createdAt, $1.task.id) }
    }

    func json(zone: ZoneRules) -> [String: Any] {
        var o: [String: Any] = [
            "at": now.rfc3339, "open_cases": openCases,
            "open_cycles": cycles.map { ["policy": $0.policy, "stage": $0.stage, "count": $0.count] as [String: Any] },
            "open_cycles_total": cycles.reduce(0) { $0 + $1.count },
            "by_assignee": assignees.map { ["assignee": $0.id, "name": $0.name, "open": $0.open, "escalations": $0.escalations] as [String: Any] },
            "deadlines_horizon": horizon.rfc3339,
            "deadlines": deadlines.map {
                ["case": $0.caseID, "case_number": $0.number, "subject": $0.subject, "title": $0.title, "due": $0.due.rfc3339] as [String: Any]
            },
            "zone": zone.identifier,
            "staff_tasks": tasks.map { t -> [String: Any] in
                ["id": t.task.id, "case": t.task.caseID, "case_number": t.number, "assignee": t.assignee ?? NSNull(),
                 "contact": t.task.contactID ?? NSNull(), "fire_id": t.task.fireID ?? NSNull(), "reason": t.task.reason,
                 "created_at": t.task.createdAt.rfc3339]
            },
        ]
        if let i = oldestInbound {
            o["oldest_unanswered_inbound"] = ["case": i.caseID, "case_number": i.number, "since": i.since.rfc3339,
                                              "age_days": (now.seconds - i.since.seconds) / 86_400] as [String: Any]
        } else {
            o["oldest_unanswered_inbound"] = NSNull()
        }
        return o
    }

    /// The titles of the first `n` deadlines listed (the scan reads no titles: one read of their cases).
    mutating func readDeadlineTitles(_ store: any FirmStore, first n: Int) async throws {
        let shown = deadlines.prefix(n)
        if shown.isEmpty { return }
        let cases = try await store.snapshot(caseIDs: Array(Set(shown.map(\.caseID))).sorted(), detail: .full, people: false).cases
        var titles: [String: String] = [:]
        for c in cases { for d in c.deadlines { titles[c.id + "\u{0}deadline:" + d.id] = d.title } }
        for i in deadlines.indices.prefix(n) { deadlines[i].title = titles[deadlines[i].caseID + "\u{0}" + deadlines[i].subject] ?? "" }
    }

    /// At most 80 columns. Times are in `zone`, named in the first line.
    func table(zone: ZoneRules, colour: Bool) -> [String] {
        func bold(_ s: String) -> String { colour ? "\u{1B}[1m\(s)\u{1B}[0m" : s }
        func fit(_ s: String, _ n: Int) -> String {
            s.count > n ? String(s.prefix(n - 1)) + "…" : s + String(repeating: " ", count: n - s.count)
        }
        /// At most `n` columns, without padding (a line's last field).
        func clip(_ s: String, _ n: Int) -> String { s.count > n ? String(s.prefix(n - 1)) + "…" : s }
        var lines: [String] = []
        let total = cycles.reduce(0) { $0 + $1.count }
        lines.append(bold("Backlog at \(zone.format(now).prefix(16).replacingOccurrences(of: "T", with: " ")) \(zone.identifier): "
            + "\(openCases) open cases, \(total) open follow-ups"))
        lines.append("")
        lines.append(bold(fit("POLICY", 44) + fit("STAGE", 8) + "OPEN"))
        for c in cycles { lines.append(fit(c.policy, 44) + fit("\(c.stage)", 8) + "\(c.count)") }
        if cycles.isEmpty { lines.append("(nothing open)") }
        lines.append("")
        lines.append(bold(fit("ASSIGNEE", 44) + fit("OPEN", 8) + "ESCALATED"))
        for a in assignees.prefix(15) {
            let who = a.name.isEmpty ? a.id : "\(a.name) (\(a.id))"
            lines.append(fit(who, 44) + fit("\(a.open)", 8) + "\(a.escalations)")
        }
        if assignees.count > 15 { lines.append("… and \(assignees.count - 15) more") }
        lines.append("")
        if let i = oldestInbound {
            lines.append("Oldest unanswered inbound: case \(i.number), since \(zone.format(i.since).prefix(10)) "
                + "(\((now.seconds - i.since.seconds) / 86_400) days)")
        } else {
            lines.append("Oldest unanswered inbound: none")
        }
        lines.append("Deadlines in the next 7 court days (to \(zone.format(horizon).prefix(10))): \(deadlines.count)")
        for d in deadlines.prefix(10) {
            let what = d.title.isEmpty ? d.subject : "\(d.title) (\(d.subject))"
            lines.append("  " + clip("\(zone.format(d.due).prefix(16).replacingOccurrences(of: "T", with: " "))  case \(d.number)  \(what)", 76))
        }
        if deadlines.count > 10 { lines.append("  … and \(deadlines.count - 10) more") }
        lines.append("Staff tasks open: \(tasks.count)" + (tasks.isEmpty ? "" : " (close with tickler done TASK --reason …)"))
        for t in tasks.prefix(20) {
            let when = zone.format(t.task.createdAt).prefix(16).replacingOccurrences(of: "T", with: " ")
            let who = t.assignee.map { staff.people[$0]?.name ?? $0 } ?? "unassigned"
            lines.append("  " + clip("\(t.task.id)  \(when)  case \(t.number)  \(who)", 76))
            lines.append("    " + clip((t.task.contactID.map { "contact \($0): " } ?? "") + t.task.reason, 74))
        }
        if tasks.count > 20 { lines.append("  … and \(tasks.count - 20) more") }
        return lines
    }
}

/// The parts of a status report as a scan hands them over, summed (one thread at a time: the in-order sink).
final class StatusParts: @unchecked Sendable {
    private(set) var total = StatusReport.Part()

    func add(_ part: StatusReport.Part) { total.add(part) }
}

/// Client messages by what keeps them, from the queue's hold reasons.
struct ClientWaits {
    var undo = 0, quiet = 0, due = 0, noConsent = 0

    init() {}

    init(_ byReason: [String: Int]) {
        for (reason, n) in byReason {
            if reason == "no consent" { noConsent += n } else if reason.hasPrefix("undo") { undo += n }
            else if reason.hasPrefix("quiet") { quiet += n } else { due += n }
        }
    }
}
