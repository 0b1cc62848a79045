import ArgumentParser
import TicklerConfig
import TicklerCore
import TicklerDelivery
import TicklerStore

/// `tickler client-preview CASE [--at T]`: exactly what each of the case's contacts would receive next,
/// when, by which medium and why, or why nothing: the messages waiting in the queue first, else the next
/// client message the case's policies will fire. Nothing is sent or recorded.
struct ClientPreview: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "client-preview", abstract: "Show what a case's client contacts would receive next, and why.")

    @OptionGroup var options: CommonOptions
    @Argument(help: "The case, by id or number.") var caseArgument: String
    @Option(help: "Preview as of this time (default now).") var at: String?

    func run() async throws {
        let config = try options.loadConfiguration()
        guard let clients = config.clients else { throw CommandFailure.invalid("error: the configuration has no clients: section") }
        let store = try await options.openStore(config)
        let now = try TimeArgument.parse(at ?? "now", option: "--at", zone: config.defaultCalendar.zone, now: TimeArgument.wallClock)
        let templates: TemplateCatalog
        do { templates = try TemplateCatalog.load(directory: config.templatesDirectory, policies: config.policies) } catch {
            throw CommandFailure.invalid(error.description)
        }
        let caseID = try await CaseArgument.resolve(caseArgument, in: store)
        let snapshot = try await store.snapshot(caseIDs: [caseID], detail: .full, people: true)
        guard let c = snapshot.cases.first else { throw CommandFailure.invalid("error: no case '\(caseID)' in the store") }
        let staff = Staff(snapshot.people)
        let composer = MessageComposer(templates: templates)
        let gate = ClientMessageGate(settings: clients.gate)
        let zone = config.defaultCalendar.zone
        let out = Output.standard

        // What waits in the queue.
        let ledger = try await store.ledger(caseID: caseID, policy: nil, since: nil).filter { $0.outcome == .fired }
        let queued = try await store.deliveries(of: ledger.map(\.fireID))
        var waiting: [(LedgerEntry, QueuedDelivery)] = []
        for entry in ledger {
            for d in queued[entry.fireID, default: []] where d.channel == DeliveryPlan.clientChannel && d.status == "pending" {
                waiting.append((entry, d))
            }
        }
        let policies = Dictionary(uniqueKeysWithValues: config.policies.map { ($0.id, $0) })
        if !waiting.isEmpty {
            out.line("case \(c.number): \(waiting.count) client message\(waiting.count == 1 ? "" : "s") waiting")
            for (entry, d) in waiting {
                guard let policy = policies[entry.key.cycle.policy], let id = Contact.id(fromRecipient: d.recipient) else { continue }
                out.line("  \(policy.id) stage \(entry.key.step.stage) (fire \(entry.fireID)), fired \(zone.format(entry.firedAt))"
                    + (d.holdReason.map { ", held: \($0)" } ?? "") + ", next look \(zone.format(max(now, d.nextAttemptAt)))")
                try await describe(contactID: id, policy: policy, stage: entry.key.step.stage, anchor: entry.key.cycle.anchor,
                                   subject: entry.key.cycle.subject, due: entry.due, firedAt: entry.firedAt,
                                   at: max(now, d.nextAttemptAt), live: policy.cycleIsOpen(subject: entry.key.cycle.subject,
                                                                                          anchor: entry.key.cycle.anchor, in: c, at: now),
                                   c: c, staff: staff, clients: clients, gate: gate, composer: composer, store: store, config: config)
            }
            return
        }

        // Else the next client message a policy fires.
        let facts = try await store.ledgerFacts(caseIDs: [caseID])
        var next: (policy: Policy, stage: Stage, subject: Subject, due: Instant)?
        for policy in config.policies where policy.clientFacing && policy.appliesTo.matches(c) {
            for subject in policy.clock.subjects(of: c) {
                let recorded = facts.highestRecorded(CycleKey(policy: policy.id, subject: subject.ref, anchor: subject.anchor))
                for stage in policy.stages where stage.notify.contains(.client) && (recorded.map { $0.stage < stage.number } ?? true) {
                    let due = max(now, CycleSchedule.due(of: stage, in: policy, anchor: subject.anchor, courtCalendar: subject.courtCalendar))
                    if next.map({ due < $0.due }) ?? true { next = (policy, stage, subject, due) }
                }
            }
        }
        guard let next else {
            out.line("case \(c.number): no client message is coming: no client-facing policy has a stage for its client ahead")
            return
        }
        out.line("case \(c.number): next client message: \(next.policy.id) stage \(next.stage.number) (\(next.policy.clock.name), "
            + "\(next.subject.anchorSource)), due \(zone.format(next.due))")
        try await describe(contactID: nil, policy: next.policy, stage: next.stage.number, anchor: next.subject.anchor,
                           subject: next.subject.ref, due: next.due, firedAt: next.due, at: nil,
                           live: true, c: c, staff: staff, clients: clients, gate: gate, composer: composer, store: store, config: config)
    }

    /// The client email channel's settings (its From), for a preview.
    private func emailSettings(_ clients: ClientSettings, _ config: Configuration) -> ChannelSettings.Email {
        if let name = clients.channels[.email], case .email(let e)? = config.channels[name] { return e }
        return ChannelSettings.Email(url: "", startTLS: .off, from: config.firmName)
    }

    /// One line per contact (all the case's messageable contacts, or `contactID`): when it would go and by
    /// what, or why not; then the message itself.
    private func describe(contactID: String?, policy: Policy, stage: Int, anchor: Instant, subject: SubjectRef, due: Instant, firedAt: Instant,
                          at: Instant?,
                          live: Bool, c: CaseSnapshot, staff: Staff, clients: ClientSettings, gate: ClientMessageGate,
                          composer: MessageComposer, store: any FirmStore, config: Configuration) async throws {
        let out = Output.standard
        let contacts = contactID.map { id in c.contact(id: id).map { [$0] } ?? [] } ?? c.messageableContacts
        if contacts.isEmpty { out.line("    no contact of the case receives updates") }
        let book = ConsentBook(try await store.consents(of: contacts.map(\.id)))
        for contact in contacts {
            let zone = clients.zone(of: contact)
            let when = at ?? gate.plannedDelivery(firedAt: firedAt, purpose: policy.purpose, zone: zone)
            let message = ClientMessageGate.Message(
                purpose: policy.purpose, essential: policy.essential, firedAt: firedAt, due: due, until: policy.clock.countsDown ? anchor : nil,
                contact: contact, zone: zone, caseOpen: policy.mayWriteToClient(of: c), cycleLive: live, media: Set(clients.channels.keys))
            let head = "    contact \(contact.id) (\(clients.language(of: contact)), \(zone.identifier))"
            switch gate.decide(message, consents: book, now: when) {
            case .cancel(let reason): out.line("\(head): nothing: \(reason.rawValue)")
            case .staffTask(let why): out.line("\(head): nothing; a staff task: \(why.text)")
            case .hold(let until, let reason): out.line("\(head): held until \(zone.format(until)): \(reason)")
            case .send(let medium):
                let notice: ClientNotice
                switch ClientNotice.compose(for: contact, case: c, policy: policy, anchor: anchor, subject: subject, staff: staff,
                                            settings: clients, firmName: config.firmName) {
                case .success(let n): notice = n
                case .failure(let why):
                    out.line("\(head): nothing: \(why.rawValue)")
                    continue
                }
                out.line("\(head): by \(medium.rawValue) at \(zone.format(when))")
                switch medium {
                case .sms:
                    let segments = clients.channels[.sms].flatMap { name -> Int? in
                        if case .sms(let s)? = config.channels[name] { s.maxSegments } else { nil }
                    } ?? 3
                    let text = composer.clientSMS(notice, policy: policy.id, stage: stage, fallback: clients.fallbackLanguage, maxSegments: segments)
                    out.line("      \(text)")
                    out.line("      (\(SMSSegments.count(text)) segment\(SMSSegments.count(text) == 1 ? "" : "s"))")
                case .email:
                    let mail = composer.clientEmail(notice, policy: policy.id, stage: stage, fallback: clients.fallbackLanguage, fireID: "preview",
                                                    to: Mailbox(address: contact.email ?? "client@invalid"),
                                                    replyTo: MessageComposer.clientReplyTo(c, staff: staff, intake: clients.inbound?.intake),
                                                    settings: emailSettings(clients, config), now: when)
                    out.line("      Subject: \(mail.subject)")
                    if let r = mail.extraHeaders.first(where: { $0.name == "Reply-To" }) { out.line("      Reply-To: \(r.value)") }
                    let text = mail.text
                    for line in text.split(separator: "\n", omittingEmptySubsequences: false) { out.line("      \(line)") }
                }
            }
        }
    }
}
