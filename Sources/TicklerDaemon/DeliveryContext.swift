import TicklerConfig
import TicklerCore
import TicklerDelivery
import TicklerStore

/// What a lane needs from the configuration to turn a queued delivery into a message: the firm's name,
/// each policy's description and zone, and the templates.
struct DeliveryContext: Sendable {
    let firmName: String
    let policies: [String: Policy]
    let defaultZone: ZoneRules
    let composer: MessageComposer

    init(config: Configuration, templates: TemplateCatalog) {
        firmName = config.firmName
        policies = Dictionary(uniqueKeysWithValues: config.policies.map { ($0.id, $0) })
        defaultZone = config.defaultCalendar.zone
        composer = MessageComposer(templates: templates)
    }

    /// The queued fire as a message for `d.recipient`.
    func notice(_ d: PendingDelivery, _ f: FiredStep) -> Notice {
        let policy = policies[f.policy]
        return Notice(fireID: d.sourceID, caseID: f.caseID, caseNumber: d.caseNumber, caseTitle: d.caseTitle,
                      clientName: d.clientName, policy: f.policy, policyDescription: policy?.description ?? "",
                      stage: f.stage, repeatNumber: f.repeatNumber, action: f.action, subject: f.subject, due: f.due,
                      firedAt: f.firedAt, deliverAt: f.deliverAt, explanation: f.explanation, recipients: f.recipients,
                      recipientName: d.person?.name ?? (d.recipient == "client" ? d.clientName : ""), firmName: firmName,
                      zone: policy?.calendar.zone ?? defaultZone)
    }

    /// The queued digest as a message.
    func digestNotice(_ d: PendingDelivery, _ g: DigestRecord, now: Instant) -> DigestNotice {
        DigestNotice(digestID: d.sourceID, personName: d.person?.name ?? d.recipient, firmName: firmName, date: g.day,
                     items: g.entries, zone: defaultZone, sentAt: now)
    }

    /// A client's text forwarded to staff, as an email to `to`.
    func replyEmail(_ d: PendingDelivery, _ r: ReplyForward, to: Mailbox, settings: ChannelSettings.Email, now: Instant) -> MailMessage {
        composer.replyForward(id: r.id, text: r.text, caseNumber: d.caseNumber.isEmpty ? nil : d.caseNumber, contactName: r.contactName,
                              from: r.from, unknownNumber: r.route == .unknownNumber, closedCase: r.route == .closedCase,
                              receivedAt: r.receivedAt, zone: defaultZone, to: to, settings: settings, now: now)
    }

    /// Where an email for `d` goes, or why it cannot go anywhere.
    func mailbox(_ d: PendingDelivery) -> Result<Mailbox, AddressProblem> {
        if d.recipient == "client" {
            guard let address = d.clientEmail, Recipient.isEmailAddress(address) else {
                return .failure(AddressProblem("the case's client has no email address"))
            }
            return .success(Mailbox(name: d.clientName, address: address))
        }
        if d.recipient.contains("@") {
            guard Recipient.isEmailAddress(d.recipient) else { return .failure(AddressProblem("not an email address")) }
            return .success(Mailbox(address: d.recipient))
        }
        guard let person = d.person else {
            return .failure(AddressProblem("person \(d.recipient) is not in the directory"))
        }
        guard let address = person.email, Recipient.isEmailAddress(address) else {
            return .failure(AddressProblem("person \(d.recipient) has no email address"))
        }
        return .success(Mailbox(name: person.name, address: address))
    }

    struct AddressProblem: Error {
        let message: String
        init(_ message: String) { self.message = message }
    }
}
