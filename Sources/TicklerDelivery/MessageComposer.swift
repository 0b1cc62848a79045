import Foundation
import TicklerCore

/// Turns a fire into what a channel sends: an email for one recipient, or a webhook's JSON body. Client
/// names and matter titles go in only where the channel's `include_client` allows.
public struct MessageComposer: Sendable {
    public let templates: TemplateCatalog

    public init(templates: TemplateCatalog) { self.templates = templates }

    /// The email of `notice` to `to`. Its Message-ID derives from the fire id and the recipient, so a
    /// copy sent again after a crash is recognisably the same message.
    public func email(_ notice: Notice, to: Mailbox, settings: ChannelSettings.Email, now: Instant) -> MailMessage {
        let from = Mailbox(parsing: settings.from) ?? Mailbox(address: "tickler@localhost")
        let fields = notice.fields(includeClient: settings.includeClient)
        let render = { (part: TemplateCatalog.Part) in
            templates.render(part, policy: notice.policy, stage: notice.stage, fields: fields)
        }
        return MailMessage(
            from: from, to: to, subject: render(.subject), text: render(.text), html: render(.html),
            messageID: Self.messageID(fireID: notice.fireID, recipient: to.address, domain: from.domain), date: now,
            extraHeaders: [("X-Tickler-Fire-ID", notice.fireID), ("X-Tickler-Policy", notice.policy),
                           ("X-Tickler-Case", notice.caseNumber)])
    }

    /// The digest email of one person.
    public func digest(_ digest: DigestNotice, to: Mailbox, settings: ChannelSettings.Email, now: Instant) -> MailMessage {
        let from = Mailbox(parsing: settings.from) ?? Mailbox(address: "tickler@localhost")
        let fields = digest.fields(includeClient: settings.includeClient)
        return MailMessage(
            from: from, to: to, subject: templates.renderDigest(.subject, fields: fields),
            text: templates.renderDigest(.text, fields: fields), html: templates.renderDigest(.html, fields: fields),
            messageID: Self.messageID(fireID: digest.digestID, recipient: to.address, domain: from.domain), date: now,
            extraHeaders: [("X-Tickler-Digest", digest.date.iso8601)])
    }

    /// A client's email: plain text only, from the client channel's address, answered to `replyTo` (the
    /// case's assignee, or the intake address) and ending with why they receive it and how to stop. Its
    /// Message-ID derives from the fire and the contact, as for staff mail. No header names the case or
    /// the policy.
    public func clientEmail(_ notice: ClientNotice, policy: String, stage: Int, fallback: String, fireID: String,
                            to: Mailbox, replyTo: Mailbox? = nil, settings: ChannelSettings.Email, now: Instant) -> MailMessage {
        let from = Mailbox(parsing: settings.from) ?? Mailbox(address: "tickler@localhost")
        let render = { (part: TemplateCatalog.Part) in
            templates.renderClient(part, policy: policy, stage: stage, notice: notice, fallback: fallback)
        }
        var text = render(.text)
        if !text.hasSuffix("\n") { text += "\n" }
        text += "\n-- \n" + templates.clientEmailOptOut(notice) + "\n"
        return MailMessage(
            from: from, to: to, subject: render(.subject), text: text, html: nil,
            messageID: Self.messageID(fireID: fireID, recipient: to.address, domain: from.domain), date: now,
            extraHeaders: [("X-Tickler-Fire-ID", fireID)] + (replyTo.map { [("Reply-To", $0.header)] } ?? []))
    }

    /// Who a client's answer to an email reaches: the case's assignee (while active, with an address), else
    /// the intake address; nil when neither.
    public static func clientReplyTo(_ c: CaseSnapshot, staff: Staff, intake: String?) -> Mailbox? {
        let assignee = c.assigneeID.flatMap { staff.people[$0] }.flatMap { $0.active ? $0 : nil }
        return assignee.flatMap { p in p.email.map { Mailbox(name: p.name, address: $0) } } ?? intake.map { Mailbox(address: $0) }
    }

    /// A client's text message: the template, then how to opt out (in their language), in `maxSegments`.
    /// One that does not fit is sent in its kind's short form (the stage's name, a reminder's date) when
    /// there is one that fits, else cut; the opt-out line is never cut.
    public func clientSMS(_ notice: ClientNotice, policy: String, stage: Int, fallback: String, maxSegments: Int) -> String {
        clientSMSForm(notice, policy: policy, stage: stage, fallback: fallback, maxSegments: maxSegments).text
    }

    /// How a client text goes out: whole, in its short form, or cut (check-config says which).
    public enum SMSForm: String, Sendable { case whole, short, cut }

    public func clientSMSForm(_ notice: ClientNotice, policy: String, stage: Int, fallback: String,
                              maxSegments: Int) -> (text: String, form: SMSForm) {
        let oneLine = { (s: String) in s.split(whereSeparator: \.isNewline).joined(separator: " ") }
        let body = oneLine(templates.renderClient(.sms, policy: policy, stage: stage, notice: notice, fallback: fallback))
        let optOut = ClientTemplates.optOutLine[notice.language] ?? ClientTemplates.optOutLine["en"]!
        if SMSSegments.count(body + " " + optOut) <= maxSegments { return (body + " " + optOut, .whole) }
        let short = templates.renderClientShortSMS(notice, fallback: fallback).map(oneLine)
        if let short, SMSSegments.count(short + " " + optOut) <= maxSegments { return (short + " " + optOut, .short) }
        // The opt-out line is never cut: the message is (its short form, which says the most first).
        var cut = SMSSegments.fit(short ?? body, segments: maxSegments)
        while !cut.isEmpty && SMSSegments.count(cut + " " + optOut) > maxSegments { cut = SMSSegments.fit(cut, segments: maxSegments, shorterBy: 8) }
        return (cut + " " + optOut, .cut)
    }

    /// `<FIREID.R@DOMAIN>`, R the first 8 hex digits of SHA-256 of the recipient's address.
    public static func messageID(fireID: String, recipient: String, domain: String) -> String {
        "\(fireID).\(SHA256.hex(recipient.lowercased()).prefix(8))@\(domain)"
    }

    /// The webhook body: the fire's ids, times and explanation, and a Slack/Teams-compatible `text`.
    public func webhookBody(_ notice: Notice, includeClient: Bool) -> [UInt8] {
        let fields = notice.fields(includeClient: includeClient)
        let title = templates.render(.subject, policy: notice.policy, stage: notice.stage, fields: fields)
        var body: [String: Any] = [
            "fire_id": notice.fireID, "case_id": notice.caseID, "case_number": notice.caseNumber, "policy": notice.policy,
            "stage": notice.stage, "repeat": notice.repeatNumber, "action": notice.action.rawValue, "subject": notice.subject,
            "due_at": notice.due.rfc3339, "fired_at": notice.firedAt.rfc3339, "deliver_at": notice.deliverAt.rfc3339,
            "recipients": notice.recipients, "explanation": notice.explanation,
            "text": title + "\n" + notice.explanation,
        ]
        if includeClient {
            body["client_name"] = notice.clientName
            body["case_title"] = notice.caseTitle
        }
        let data = (try? JSONSerialization.data(withJSONObject: body, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data("{}".utf8)
        return Array(data)
    }
}
