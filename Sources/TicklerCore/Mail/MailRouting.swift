/// What a message becomes, decided before anything is written: in a folder read as inbound, a message
/// from a case's contact is an inbound email on that contact's open cases (only the case whose number is in
/// the subject, when one is); in a folder read as outbound, a message to a contact is an outbound email on
/// their open cases that answers their unanswered inbound emails (the ones it replies to, else all of
/// theirs before it). A machine's message, mail from no contact, and mail about closed cases only, are
/// left out: counted, not stored.
public enum MailRouting {
    public enum Folder: String, Sendable, Equatable { case inbound, outbound }

    /// A contact's row as the mail reader knows it: the contact row (one per case), its case and whether
    /// that is open, and the case's number (to find in a subject).
    public struct ContactRow: Sendable, Equatable {
        public var contactID: String
        public var caseID: String
        public var caseNumber: String
        public var open: Bool

        public init(contactID: String, caseID: String, caseNumber: String, open: Bool) {
            self.contactID = contactID
            self.caseID = caseID
            self.caseNumber = caseNumber
            self.open = open
        }
    }

    /// An email on one case, from or to one contact.
    public struct Email: Sendable, Equatable {
        /// `mail:<message key>:<contact id>`.
        public var id: String
        public var caseID: String
        public var contactID: String
        public var direction: Communication.Direction
        public var at: Instant
    }

    public enum Outcome: Sendable, Equatable {
        /// Emails to record; for outbound ones, `repliesTo` are the keys of the messages it answers first.
        case record([Email], repliesTo: [String])
        case ignored(Ignored)
    }

    public enum Ignored: String, Sendable, Equatable, CaseIterable {
        case automated, stranger, closed
    }

    /// The id of a message's email on a contact's row.
    public static func id(key: String, contactID: String) -> String { "mail:\(key):\(contactID)" }

    /// `contacts`: the rows of an address (lowercased), every row of every contact with that email.
    public static func route(_ m: ReceivedMail, folder: Folder, contacts: (String) -> [ContactRow]) -> Outcome {
        if m.automated != nil { return .ignored(.automated) }
        let addresses = folder == .inbound ? m.from : m.recipients
        var rows: [ContactRow] = []
        var seen = Set<String>()
        for a in addresses {
            for r in contacts(a) where seen.insert(r.contactID).inserted { rows.append(r) }
        }
        if rows.isEmpty { return .ignored(.stranger) }
        var open = rows.filter(\.open)
        if open.isEmpty { return .ignored(.closed) }
        let named = open.filter { mentions(m.subject, $0.caseNumber) }
        if !named.isEmpty { open = named }
        let direction: Communication.Direction = folder == .inbound ? .inbound : .outbound
        let emails = open.map { Email(id: id(key: m.key, contactID: $0.contactID), caseID: $0.caseID, contactID: $0.contactID,
                                      direction: direction, at: m.at) }
        return .record(emails, repliesTo: folder == .outbound ? m.repliesTo : [])
    }

    /// Whether `subject` names the case `number` as a word of its own (`Re: 2026-CV-0042 hearing`), ignoring case.
    public static func mentions(_ subject: String, _ number: String) -> Bool {
        let n = Array(number.lowercased()), s = Array(subject.lowercased())
        guard !n.isEmpty, s.count >= n.count else { return false }
        func word(_ c: Character?) -> Bool { c.map { $0.isLetter || $0.isNumber } ?? false }
        for i in 0...(s.count - n.count) where s[i] == n[0] && Array(s[i..<(i + n.count)]) == n {
            if !word(i > 0 ? s[i - 1] : nil) && !word(i + n.count < s.count ? s[i + n.count] : nil) { return true }
        }
        return false
    }
}
