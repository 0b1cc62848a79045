import TicklerCore

extension MessageComposer {
    /// A client's text forwarded to a person of the firm: what they wrote, when, and on which case (or that
    /// the number is unknown, or the case closed). The contact's name only where the channel's
    /// `include_client` allows; the words always (forwarding them is the point). Plain text, its
    /// Message-ID from the gateway's id for the text and the recipient, so a resend is the same message.
    public func replyForward(id: String, text: String, caseNumber: String?, contactName: String?, from: String?, unknownNumber: Bool,
                             closedCase: Bool, receivedAt: Instant, zone: ZoneRules, to: Mailbox, settings: ChannelSettings.Email,
                             now: Instant) -> MailMessage {
        let sender = Mailbox(parsing: settings.from) ?? Mailbox(address: "tickler@localhost")
        let who = settings.includeClient ? contactName.flatMap { $0.isEmpty ? nil : $0 } : nil
        let subject: String
        var about: String
        if unknownNumber {
            subject = "Text from an unknown number" + (from.map { " (\($0))" } ?? "")
            about = "A text came from \(from ?? "a number") that is no contact of any case."
        } else if let number = caseNumber {
            subject = "Client text on \(closedCase ? "closed " : "")case \(number)"
            about = "\(who ?? "A client") texted on \(closedCase ? "closed " : "")case \(number)"
                + (closedCase && from != nil ? " from \(from!)" : "") + "."
        } else {
            subject = "Client text"
            about = "\(who ?? "A client") texted the firm."
        }
        about += " Received \(zone.format(receivedAt))."
        let body = about + "\n\n" + text.split(separator: "\n", omittingEmptySubsequences: false).map { "    " + $0 }.joined(separator: "\n")
            + "\n\nTickler does not answer for you: reply to the client yourself. The text is kept with the case's communications.\n"
        return MailMessage(
            from: sender, to: to, subject: subject, text: body, html: nil,
            messageID: Self.messageID(fireID: "reply-" + id, recipient: to.address, domain: sender.domain), date: now,
            extraHeaders: [("X-Tickler-Reply", id)] + (caseNumber.map { [("X-Tickler-Case", $0)] } ?? []))
    }
}
