/// What Tickler reads of a message: who sent it to whom, when, what it replies to, and whether a machine
/// sent it. Made from the header section alone; the subject is kept only in memory, to find a case number
/// in it, and nothing here is stored but the keys, the matched contacts' ids and the date.
public struct ReceivedMail: Sendable, Equatable {
    /// Its `Message-ID` (without brackets), when it has one.
    public var messageID: String?
    /// Its key in Tickler's ids: the SHA-256 of its Message-ID (of its whole header section when it has
    /// none), 24 hex digits. The same message read from two folders or two mailboxes has one key.
    public var key: String
    /// Addresses, lowercased.
    public var from: [String]
    /// `To`, `Cc` and (in a sent copy) `Bcc`, lowercased.
    public var recipients: [String]
    /// When the server received it (INTERNALDATE), else its `Date`.
    public var at: Instant
    /// The keys of the messages it replies to (`In-Reply-To`, then `References`).
    public var repliesTo: [String]
    /// Read only to find a case number; never stored.
    public var subject: String
    /// Why it is a machine's message (an auto-reply, a bounce, a list), or nil for a person's.
    public var automated: String?

    /// Nil when neither the server nor the message says when it came.
    public init?(headers: MailHeaders, raw: some Collection<UInt8>, internalDate: Instant?) {
        guard let at = internalDate ?? headers.first("date").flatMap(MailDate.rfc5322) else { return nil }
        self.at = at
        messageID = headers.first("message-id").flatMap { MailAddress.messageIDs($0).first }
        key = messageID.map(Self.key(of:)) ?? Self.hex(SHA256.digest(Array(raw)))
        from = headers.all("from").flatMap(MailAddress.list)
        recipients = (headers.all("to") + headers.all("cc") + headers.all("bcc")).flatMap(MailAddress.list)
        var replies: [String] = []
        for id in headers.all("in-reply-to").flatMap(MailAddress.messageIDs) + headers.all("references").flatMap(MailAddress.messageIDs) {
            let k = Self.key(of: id)
            if !replies.contains(k) { replies.append(k) }
        }
        repliesTo = replies
        subject = headers.first("subject") ?? ""
        automated = Self.automated(headers, from: from)
    }

    /// The key of a message id.
    public static func key(of messageID: String) -> String { hex(SHA256.digest(Array(messageID.utf8))) }

    static func hex(_ digest: [UInt8]) -> String {
        let digits = Array("0123456789abcdef")
        var s = ""
        for b in digest.prefix(12) {
            s.append(digits[Int(b >> 4)])
            s.append(digits[Int(b & 15)])
        }
        return s
    }

    /// RFC 3834's `Auto-Submitted` (anything but `no`), `Precedence: bulk/junk/list/auto_reply`, a delivery
    /// or read report (`multipart/report`), a mailing list (`List-Id`), the auto-responders' `X-Autoreply` /
    /// `X-Autorespond`, a null return path (`<>`, a bounce) or a mailer daemon as the sender.
    static func automated(_ h: MailHeaders, from: [String]) -> String? {
        if let a = h.first("auto-submitted"), a.lowercased().split(separator: ";").first.map({ MailHeaders.trim(String($0)) }) != "no" {
            return "auto-submitted"
        }
        if let p = h.first("precedence")?.lowercased(), ["bulk", "junk", "list", "auto_reply"].contains(MailHeaders.trim(p)) {
            return "precedence \(MailHeaders.trim(p))"
        }
        if let t = h.first("content-type")?.lowercased(), t.hasPrefix("multipart/report") { return "a delivery or read report" }
        if h.first("list-id") != nil { return "a mailing list" }
        if h.first("x-autoreply") != nil || h.first("x-autorespond") != nil { return "an auto-reply" }
        if let r = h.first("return-path"), r.replacingSpaces == "<>" { return "a bounce" }
        if from.contains(where: { $0.hasPrefix("mailer-daemon@") || $0.hasPrefix("postmaster@") }) { return "a mailer daemon" }
        return nil
    }
}

private extension String {
    var replacingSpaces: String { String(filter { $0 != " " && $0 != "\t" }) }
}
