import TicklerConfig
import TicklerCore
import TicklerDelivery
import TicklerStore

/// The sending end of the client queue: for each client message due, a fresh look at the case, its
/// contact and their consents, the gate's decision (`ClientMessageGate`), then the message itself,
/// written from the privilege-safe fields only, in the contact's language, by the medium the gate chose.
/// It reads the store; the lane records what it returns.
final class ClientDispatch: LaneSending {

    private let settings: ClientSettings
    private let policies: [String: Policy]
    private let firmName: String
    private let composer: MessageComposer
    private let store: any CaseStore & ConsentLedger & DeliveryQueue
    private let gate: ClientMessageGate
    private let email: (settings: ChannelSettings.Email, worker: LaneWorker)?
    private let sms: (settings: ChannelSettings.SMS, worker: LaneWorker)?

    init(settings: ClientSettings, config: Configuration, composer: MessageComposer, store: any CaseStore & ConsentLedger & DeliveryQueue,
         secret: (String) throws -> String) {
        self.settings = settings
        policies = Dictionary(uniqueKeysWithValues: config.policies.map { ($0.id, $0) })
        firmName = config.firmName
        self.composer = composer
        self.store = store
        gate = ClientMessageGate(settings: settings.gate)
        if let name = settings.channels[.email], case .email(let e)? = config.channels[name] {
            email = (e, LaneWorker(channel: DeliveryPlan.clientChannel + "." + name, settings: .email(e), secret: secret))
        } else {
            email = nil
        }
        if let name = settings.channels[.sms], case .sms(let t)? = config.channels[name] {
            sms = (t, LaneWorker(channel: DeliveryPlan.clientChannel + "." + name, settings: .sms(t), secret: secret))
        } else {
            sms = nil
        }
    }

    func attempt(_ d: PendingDelivery, now: Instant) async -> LaneAttempt {
        guard let f = d.fire, let contactID = Contact.id(fromRecipient: d.recipient), let policy = policies[f.policy],
              let subject = SubjectRef(parsing: f.subject) else {
            return .settled(.cancelled(reason: "the fire's policy is no longer configured"))
        }
        let snapshot: StoreSnapshot
        let consents: [ConsentRecord]
        do {
            snapshot = try await store.snapshot(caseIDs: [f.caseID], detail: .full, people: true)
            consents = try await store.consents(of: [contactID])
        } catch {
            return .storeUnavailable("\(error)")
        }
        guard let c = snapshot.cases.first else {
            return .settled(.cancelled(reason: ClientMessageGate.CancelReason.caseRemoved.rawValue))
        }
        let contact = c.contact(id: contactID)
        let message = ClientMessageGate.Message(
            purpose: policy.purpose, essential: policy.essential, firedAt: f.firedAt, due: f.due,
            until: policy.clock.countsDown ? f.anchor : nil, contact: contact, zone: contact.map(settings.zone(of:)) ?? settings.defaultZone,
            caseOpen: policy.mayWriteToClient(of: c),
            cycleLive: f.anchor.map { policy.cycleIsOpen(subject: subject, anchor: $0, in: c, at: now) } ?? false,
            lastMedium: d.medium, media: Set(settings.channels.keys).filter { $0 == .email ? email != nil : sms != nil },
            refused: d.refusedMedia)
        switch gate.decide(message, consents: ConsentBook(consents), now: now) {
        case .hold(let until, let reason):
            let why = switch reason {
            case .undoWindow: "undo window"
            case .quietHours(let q): "quiet hours (\(q))"
            }
            return .settled(.held(until: until, reason: why))
        case .cancel(let reason):
            return .settled(.cancelled(reason: reason.rawValue))
        case .staffTask(let why):
            return .settled(.replacedByTask(StaffTask(id: StaffTask.id(fireID: d.sourceID, recipient: d.recipient), caseID: c.id,
                                                      contactID: contactID, fireID: d.sourceID, reason: why.text, createdAt: now)))
        case .send(let medium):
            guard let contact else { return .settled(.cancelled(reason: ClientMessageGate.CancelReason.contactRemoved.rawValue)) }
            let notice: ClientNotice
            switch ClientNotice.compose(for: contact, case: c, policy: policy, anchor: f.anchor, subject: subject,
                                        staff: Staff(snapshot.people), settings: settings, firmName: firmName) {
            case .success(let n): notice = n
            case .failure(let why): return .settled(.cancelled(reason: why.rawValue))
            }
            // One message of a kind (about one thing) a day to a contact: two requests that came due together
            // make one email, not two alike.
            let key = notice.dailyKey(caseID: c.id, contactID: contact.id, at: now, zone: settings.zone(of: contact))
            do {
                if try await store.clientMessageDelivered(key: key) {
                    return .settled(.cancelled(reason: ClientMessageGate.CancelReason.alreadySentToday.rawValue))
                }
            } catch { return .storeUnavailable("\(error)") }
            // What the case keeps of it once sent: an outbound communication of Tickler's own, a status update
            // when it was news of the case (so the update cadence starts again), one id per message.
            let record = Communication(id: Communication.clientMessageID(fireID: d.sourceID, contactID: contact.id), direction: .outbound,
                                       channel: medium == .email ? .email : .sms,
                                       kind: policy.purpose == .caseUpdates ? .statusUpdate : .other, occurredAt: now, automated: true)
            // Their answer reaches a person: the case's assignee, else the intake address.
            let replyTo = MessageComposer.clientReplyTo(c, staff: Staff(snapshot.people), intake: settings.inbound?.intake)
            let (outcome, providerID) = await send(notice, to: contact, by: medium, replyTo: replyTo, policy: policy, fire: f,
                                                   fireID: d.sourceID, now: now)
            return .attempted(outcome, client: ClientSend(medium: medium, providerID: providerID, key: key,
                                                          communication: CaseRecord(caseID: c.id, record)))
        }
    }

    private func send(_ notice: ClientNotice, to contact: Contact, by medium: Contact.Medium, replyTo: Mailbox?, policy: Policy, fire f: FiredStep,
                      fireID: String, now: Instant) async -> (SendOutcome, String?) {
        switch medium {
        case .email:
            guard let email, let address = contact.address(on: .email) else {
                return (.failed(reason: "no client email channel is configured"), nil)
            }
            let message = composer.clientEmail(notice, policy: policy.id, stage: f.stage, fallback: settings.fallbackLanguage,
                                               fireID: fireID, to: Mailbox(name: contact.name, address: address), replyTo: replyTo,
                                               settings: email.settings, now: now)
            return (await email.worker.send(.email(message)), nil)
        case .sms:
            guard let sms, let number = contact.address(on: .sms) else { return (.failed(reason: "no client sms channel is configured"), nil) }
            let body = composer.clientSMS(notice, policy: policy.id, stage: f.stage, fallback: settings.fallbackLanguage,
                                          maxSegments: sms.settings.maxSegments)
            return await sms.worker.sendWithReceipt(.sms(to: number, body: body, key: fireID + "." + contact.id))
        }
    }
}
