/// What becomes of a text message a client sends, decided before anything is written: an opt-out, opt-in
/// or help keyword changes consent (at once, for every contact with that number) and is answered with
/// one confirmation; anything else is an inbound communication on each of their open cases (so the
/// unanswered-inbound policies see it), answered by the autoresponder outside the firm's hours.
public struct InboundText: Sendable, Equatable {
    public enum Reply: Sendable, Equatable {
        case optedOut, optedIn, help, afterHours
    }

    public var keyword: SMSKeyword?
    /// Entries for the consent ledger.
    public var consents: [ConsentRecord]
    /// Whether the text is recorded as an inbound communication.
    public var record: Bool
    public var reply: Reply?

    public init(keyword: SMSKeyword?, consents: [ConsentRecord], record: Bool, reply: Reply?) {
        self.keyword = keyword
        self.consents = consents
        self.record = record
        self.reply = reply
    }

    /// `body` from the contacts `contactIDs` (one number may be several contacts, on several cases), at `now`.
    /// `hours`: the firm's calendar, whose opening windows decide "after hours"; `autoreply`: whether one is
    /// configured.
    public static func decide(body: String, contactIDs: [String], consents book: ConsentBook, now: Instant,
                              hours: BusinessCalendar, autoreply: Bool) -> InboundText {
        switch SMSKeyword(message: body) {
        case .stop?:
            let entries = contactIDs.flatMap { book.optOut($0, at: now, wording: body) }
            return InboundText(keyword: .stop, consents: entries, record: false, reply: .optedOut)
        case .start?:
            let entries = contactIDs.flatMap { book.optIn($0, at: now, wording: body) }
            return InboundText(keyword: .start, consents: entries, record: false, reply: .optedIn)
        case .help?:
            return InboundText(keyword: .help, consents: [], record: false, reply: .help)
        case nil:
            let closed = autoreply && !hours.isOpen(at: now) && !contactIDs.isEmpty
            return InboundText(keyword: nil, consents: [], record: !contactIDs.isEmpty, reply: closed ? .afterHours : nil)
        }
    }
}
