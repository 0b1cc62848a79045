/// What a client message is for: consent is given (and quiet hours set) per purpose.
public enum MessagePurpose: String, Sendable, CaseIterable, Comparable {
    /// Stage changes and silence breakers.
    case caseUpdates = "case-updates"
    /// Appointments, hearings, deadlines and outstanding documents.
    case reminders
    case surveys

    public static func < (l: MessagePurpose, r: MessagePurpose) -> Bool { l.rawValue < r.rawValue }
}

/// One entry of the consent ledger: a contact granted or revoked messages of one purpose on one medium.
/// Entries are only ever added; the latest one per (contact, medium, purpose) is in force.
public struct ConsentRecord: Sendable, Equatable {
    public var contactID: String
    public var medium: Contact.Medium
    public var purpose: MessagePurpose
    public var granted: Bool
    /// Where it came from: `intake-form`, `sms-keyword`, `staff:p1`…
    public var source: String
    public var at: Instant
    /// The words the contact was shown or sent (`Reply STOP to opt out`), for the record.
    public var wording: String

    public init(contactID: String, medium: Contact.Medium, purpose: MessagePurpose, granted: Bool, source: String,
                at: Instant, wording: String = "") {
        self.contactID = contactID
        self.medium = medium
        self.purpose = purpose
        self.granted = granted
        self.source = source
        self.at = at
        self.wording = wording
    }

    /// The source of records an SMS keyword made (STOP, START); `sms-keyword:MESSAGEID` names the message.
    public static let keywordSource = "sms-keyword"

    /// Whether an SMS keyword made this entry.
    public var isFromKeyword: Bool { source == Self.keywordSource || source.hasPrefix(Self.keywordSource + ":") }
}

/// The consents in force, from the ledger's entries: no entry means no consent.
public struct ConsentBook: Sendable, Equatable {
    private struct Key: Hashable, Sendable {
        var contact: String
        var medium: Contact.Medium
        var purpose: MessagePurpose
    }

    private var latest: [Key: ConsentRecord] = [:]

    /// `records` in any order; of two at the same instant, the later in the list is in force.
    public init(_ records: [ConsentRecord] = []) {
        for r in records { add(r) }
    }

    public mutating func add(_ r: ConsentRecord) {
        let k = Key(contact: r.contactID, medium: r.medium, purpose: r.purpose)
        if let old = latest[k], old.at > r.at { return }
        latest[k] = r
    }

    /// The entry in force for (contact, medium, purpose), if any.
    public func current(_ contactID: String, _ medium: Contact.Medium, _ purpose: MessagePurpose) -> ConsentRecord? {
        latest[Key(contact: contactID, medium: medium, purpose: purpose)]
    }

    public func allows(_ contactID: String, _ medium: Contact.Medium, _ purpose: MessagePurpose) -> Bool {
        current(contactID, medium, purpose)?.granted ?? false
    }

    /// The entries a STOP from `contactID` adds: each SMS purpose in force is revoked. (A purpose never
    /// granted needs no entry: no consent already means no message.)
    public func optOut(_ contactID: String, at: Instant, wording: String) -> [ConsentRecord] {
        MessagePurpose.allCases.compactMap { p in
            guard allows(contactID, .sms, p) else { return nil }
            return ConsentRecord(contactID: contactID, medium: .sms, purpose: p, granted: false,
                                 source: ConsentRecord.keywordSource, at: at, wording: wording)
        }
    }

    /// The entries a START adds: the SMS purposes a keyword revoked are granted again. Purposes the contact
    /// never consented to, or that staff revoked, stay as they are.
    public func optIn(_ contactID: String, at: Instant, wording: String) -> [ConsentRecord] {
        MessagePurpose.allCases.compactMap { p in
            guard let r = current(contactID, .sms, p), !r.granted, r.isFromKeyword else { return nil }
            return ConsentRecord(contactID: contactID, medium: .sms, purpose: p, granted: true,
                                 source: ConsentRecord.keywordSource, at: at, wording: wording)
        }
    }

    /// Every entry in force, by contact, medium and purpose.
    public var inForce: [ConsentRecord] {
        latest.values.sorted {
            ($0.contactID, $0.medium.rawValue, $0.purpose.rawValue) < ($1.contactID, $1.medium.rawValue, $1.purpose.rawValue)
        }
    }
}
