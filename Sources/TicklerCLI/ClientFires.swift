import Synchronization
import TicklerCore
import TicklerDelivery
import TicklerStore

/// `simulate`'s client messages: the fires that write to clients, collected while the firm is simulated,
/// then one line per (fire, contact) saying when the message would go and by what (after the undo window,
/// inside the contact's quiet hours, by the medium their consent allows), or why it would not, with the
/// consents as the store holds them now.
final class ClientFires: Sendable {
    /// A fire that writes to clients, with what its case says of it, decided when it was made: whether the
    /// policy may still write to the case's clients, and for each contact why the message could not be
    /// written (no stage text, nothing shareable), if it could not. The case itself is not kept: a firm's
    /// client fires are many, and their cases with them would not fit the command's memory.
    private struct Pending: Sendable {
        var fire: Fire
        var contacts: [(contact: Contact, unwritable: String?)]
        var rank: SortedRuns.Key
        var caseOpen: Bool
    }

    private let settings: ClientSettings
    private let byPolicy: [String: Policy]
    private let pending = Mutex<[Pending]>([])

    init(settings: ClientSettings, policies: [Policy]) {
        self.settings = settings
        byPolicy = Dictionary(uniqueKeysWithValues: policies.map { ($0.id, $0) })
    }

    /// Keeps `fire` of case `c` (evaluated; addresses read as present or not) with its output key.
    func add(_ fire: Fire, of c: CaseSnapshot, rank: SortedRuns.Key) {
        guard let policy = byPolicy[fire.policy] else { return }
        let ids = Set(fire.recipients.compactMap(Contact.id(fromRecipient:)))
        let contacts = ids.sorted().compactMap { c.contact(id: $0) }.map { contact in
            // What the client lane would not send (no stage text, nothing shareable), as it decides.
            let composed = ClientNotice.compose(for: contact, case: c, policy: policy, anchor: fire.key.cycle.anchor,
                                                subject: fire.key.cycle.subject, staff: Staff([]), settings: settings, firmName: "")
            if case .failure(let why) = composed { return (contact, why.rawValue as String?) }
            return (contact, nil)
        }
        let entry = Pending(fire: fire, contacts: contacts, rank: rank, caseOpen: policy.mayWriteToClient(of: c))
        pending.withLock { $0.append(entry) }
    }

    /// The lines, as one sorted run.
    func run(store: any FirmStore) async throws -> SortedRuns.Run {
        let (all, clients) = (pending.withLock { $0 }, settings)
        var ids = Set<String>()
        for p in all { for k in p.contacts { ids.insert(k.contact.id) } }
        var book = ConsentBook()
        let sorted = ids.sorted()
        for start in stride(from: 0, to: sorted.count, by: 10_000) {
            for e in try await store.consents(of: Array(sorted[start..<min(start + 10_000, sorted.count)])) { book.add(e) }
        }
        let gate = ClientMessageGate(settings: clients.gate)
        let media = Set(clients.channels.keys)
        var lines: [(key: SortedRuns.Key, contact: String, text: String)] = []
        for p in all {
            guard let policy = byPolicy[p.fire.policy] else { continue }
            let until = policy.clock.countsDown ? p.fire.key.cycle.anchor : nil
            for (contact, unwritable) in p.contacts {
                let zone = clients.zone(of: contact)
                let when = gate.plannedDelivery(firedAt: p.fire.firedAt, purpose: policy.purpose, zone: zone)
                let message = ClientMessageGate.Message(
                    purpose: policy.purpose, essential: policy.essential, firedAt: p.fire.firedAt, due: p.fire.due, until: until,
                    contact: contact, zone: zone, caseOpen: p.caseOpen, media: media)
                var line = JSONBytes(capacity: 256)
                var key = p.rank
                switch gate.decide(message, consents: book, now: when) {
                case .send(let medium):
                    if let unwritable {
                        line.clientLine(p.fire, at: when, contact: contact.id, outcome: ("not_sent", unwritable))
                        break
                    }
                    key.at = when.seconds
                    line.clientLine(p.fire, at: when, contact: contact.id, outcome: ("by", medium.rawValue))
                case .cancel(let reason):
                    line.clientLine(p.fire, at: p.fire.deliverAt, contact: contact.id, outcome: ("not_sent", reason.rawValue))
                case .staffTask(let why):
                    line.clientLine(p.fire, at: p.fire.deliverAt, contact: contact.id, outcome: ("staff_task", why.text))
                case .hold(let until, let reason):
                    key.at = until.seconds
                    line.clientLine(p.fire, at: until, contact: contact.id, outcome: ("held", "\(reason)"))
                }
                lines.append((key, contact.id, String(decoding: line.bytes, as: UTF8.self)))
            }
        }
        lines.sort { $0.key < $1.key || ($0.key == $1.key && $0.contact < $1.contact) }
        var run = SortedRuns.Run()
        for l in lines { run.append(l.key, line: Array(l.text.utf8)) }
        return run
    }
}

extension JSONBytes {
    /// `{"at": …, "due": …, "case": …, "policy": …, "stage": …, "repeat": …, "action": …, "subject": …,
    /// "client": "k1", "by": "sms"}` (or `"not_sent"` / `"staff_task"` with the reason).
    mutating func clientLine(_ f: Fire, at: Instant, contact: String, outcome: (String, String)) {
        fireHead(f, at: at)
        raw(", \"client\": "); string(contact)
        raw(", "); string(outcome.0); raw(": "); string(outcome.1)
        raw("}\n")
    }
}
