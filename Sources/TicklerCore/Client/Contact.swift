/// A person on the client's side of a case whom the firm may message: the client, a guardian, an
/// interpreter. A case may have several; only those with `updatesEnabled` ever receive anything.
public struct Contact: Sendable, Equatable {
    /// How a contact prefers to be reached.
    public enum Medium: String, Sendable, CaseIterable {
        case email, sms
    }

    public var id: String
    public var name: String
    public var email: String?
    /// E.164 (`+14155550123`).
    public var phone: String?
    /// A language tag of the configured stage texts (`en`, `es`); nil: the firm's fallback language.
    public var language: String?
    /// An IANA zone; nil: the firm's calendar zone.
    public var timeZone: String?
    public var preferred: Medium
    public var updatesEnabled: Bool

    public init(id: String, name: String = "", email: String? = nil, phone: String? = nil, language: String? = nil,
                timeZone: String? = nil, preferred: Medium = .email, updatesEnabled: Bool = true) {
        self.id = id
        self.name = name
        self.email = email
        self.phone = phone
        self.language = language
        self.timeZone = timeZone
        self.preferred = preferred
        self.updatesEnabled = updatesEnabled
    }

    /// The first word of the name: all a client template may greet them with.
    public var firstName: String {
        String(name.split(whereSeparator: { $0 == " " || $0 == "\t" }).first ?? "")
    }

    /// The media this contact can be reached on at all, preferred first.
    public var reachable: [Medium] {
        let order: [Medium] = preferred == .sms ? [.sms, .email] : [.email, .sms]
        return order.filter(mayReach)
    }

    /// Whether `medium` reaches this contact: it has a usable address there, or (in a snapshot read for
    /// evaluation, where addresses read as empty) has one at all.
    public func mayReach(_ medium: Medium) -> Bool {
        let value = medium == .email ? email : phone
        return value == "" || address(on: medium) != nil
    }

    /// The address of this contact on `medium`, when it has a usable one.
    public func address(on medium: Medium) -> String? {
        switch medium {
        case .email: email.flatMap { Recipient.isEmailAddress($0) ? $0 : nil }
        case .sms: phone.flatMap { Self.isE164($0) ? $0 : nil }
        }
    }

    /// `+` then 8 to 15 digits, the first not 0.
    public static func isE164(_ s: String) -> Bool {
        let u = Array(s.utf8)
        guard u.count >= 9, u.count <= 16, u[0] == UInt8(ascii: "+"), u[1] != UInt8(ascii: "0") else { return false }
        return u.dropFirst().allSatisfy { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }
    }

    /// The recipient a fire records for this contact (`contact:ID`); never an address.
    public var recipient: String { Self.recipientPrefix + id }

    public static let recipientPrefix = "contact:"

    /// The contact id a recorded recipient names, if it names one.
    public static func id(fromRecipient r: String) -> String? {
        r.hasPrefix(recipientPrefix) && r.count > recipientPrefix.count ? String(r.dropFirst(recipientPrefix.count)) : nil
    }
}

extension CaseSnapshot {
    /// The id of the contact a case without contact rows has: its `client_name` / `client_email`.
    public var implicitContactID: String { id + ".client" }

    /// Contact `id` of this case, as the store has it now (the implicit one included); nil when it is gone.
    public func contact(id: String) -> Contact? {
        if let k = contacts.first(where: { $0.id == id }) { return k }
        if contacts.isEmpty, id == implicitContactID, let email = clientEmail { return Contact(id: id, name: clientName, email: email) }
        return nil
    }

    /// Whom a client message on this case may go to: its contacts with updates enabled. A case with no
    /// contact rows has one implicit contact built from `client_name` and `client_email` (the columns of
    /// before contacts existed), reachable by email only. (A snapshot read for evaluation holds an empty
    /// `client_email` for one that is set: enough to know the contact exists, without the address.)
    public var messageableContacts: [Contact] {
        if contacts.isEmpty {
            guard let email = clientEmail else { return [] }
            return [Contact(id: implicitContactID, name: clientName, email: email)]
        }
        return contacts.filter(\.updatesEnabled)
    }
}
