import Foundation
import TicklerCore

/// An email as it goes over SMTP: RFC 5322 headers and a MIME `multipart/alternative` body with a
/// plain-text and an HTML part, both UTF-8 in base64 (a message without HTML, as to clients, has the
/// plain-text part alone). Every header value is made safe here: CR and LF
/// never pass from a field into the header block, and non-ASCII text becomes RFC 2047 encoded words.
public struct MailMessage: Sendable, Equatable {
    public var from: Mailbox
    public var to: Mailbox
    public var subject: String
    public var text: String
    public var html: String?
    public var messageID: String
    public var date: Instant
    /// Extra `X-Tickler-*` headers (fire id, policy…): ASCII names, values made safe like the others.
    public var extraHeaders: [(name: String, value: String)]

    public init(from: Mailbox, to: Mailbox, subject: String, text: String, html: String?, messageID: String, date: Instant,
                extraHeaders: [(name: String, value: String)] = []) {
        self.from = from
        self.to = to
        self.subject = subject
        self.text = text
        self.html = html
        self.messageID = messageID
        self.date = date
        self.extraHeaders = extraHeaders
    }

    public static func == (a: MailMessage, b: MailMessage) -> Bool {
        a.from == b.from && a.to == b.to && a.subject == b.subject && a.text == b.text && a.html == b.html
            && a.messageID == b.messageID && a.date == b.date
            && a.extraHeaders.map { $0.name + ":" + $0.value } == b.extraHeaders.map { $0.name + ":" + $0.value }
    }

    /// The message, CRLF line endings throughout, ready for SMTP DATA.
    public var bytes: [UInt8] {
        let boundary = "tickler-alt-" + String(MailHeader.digest(messageID).prefix(24))
        var lines: [String] = [
            MailHeader.fold("Date", MailHeader.date(date)),
            MailHeader.fold("From", from.header),
            MailHeader.fold("To", to.header),
            MailHeader.fold("Subject", MailHeader.encodedText(subject)),
            MailHeader.fold("Message-ID", "<\(MailHeader.clean(messageID))>"),
            "MIME-Version: 1.0",
            "Auto-Submitted: auto-generated",
        ]
        for (name, value) in extraHeaders where MailHeader.isFieldName(name) {
            lines.append(MailHeader.fold(name, MailHeader.encodedText(value)))
        }
        guard let html else {
            lines.append("Content-Type: text/plain; charset=utf-8")
            lines.append("Content-Transfer-Encoding: base64")
            lines.append("")
            lines.append(contentsOf: MailHeader.base64Lines(Array(MailHeader.crlf(text).utf8)))
            lines.append("")
            return Array(lines.joined(separator: "\r\n").utf8)
        }
        lines.append("Content-Type: multipart/alternative; boundary=\"\(boundary)\"")
        lines.append("")
        lines.append("This is a multi-part message in MIME format.")
        for (type, body) in [("text/plain", text), ("text/html", html)] {
            lines.append("--\(boundary)")
            lines.append("Content-Type: \(type); charset=utf-8")
            lines.append("Content-Transfer-Encoding: base64")
            lines.append("")
            lines.append(contentsOf: MailHeader.base64Lines(Array(MailHeader.crlf(body).utf8)))
        }
        lines.append("--\(boundary)--")
        lines.append("")
        return Array(lines.joined(separator: "\r\n").utf8)
    }
}

/// An address with an optional display name: `Tickler <tickler@firm.test>`.
public struct Mailbox: Sendable, Equatable {
    public var name: String
    public var address: String

    public init(name: String = "", address: String) {
        self.name = name
        self.address = address
    }

    /// Parses `Name <addr>` or a bare `addr`.
    public init?(parsing text: String) {
        let t = text.trimmingCharacters(in: .whitespaces)
        if let lt = t.lastIndex(of: "<"), t.hasSuffix(">") {
            let address = String(t[t.index(after: lt)..<t.index(before: t.endIndex)])
            guard Recipient.isEmailAddress(address) else { return nil }
            var name = t[..<lt].trimmingCharacters(in: .whitespaces)
            if name.hasPrefix("\""), name.hasSuffix("\""), name.count >= 2 { name = String(name.dropFirst().dropLast()) }
            self.init(name: name, address: address)
        } else {
            guard Recipient.isEmailAddress(t) else { return nil }
            self.init(address: t)
        }
    }

    /// The domain part, for Message-IDs.
    public var domain: String { address.split(separator: "@").last.map(String.init) ?? "localhost" }

    /// The header form: the name as a quoted string (ASCII) or encoded words (otherwise).
    var header: String {
        let address = MailHeader.clean(self.address)
        let name = MailHeader.clean(self.name)
        if name.isEmpty { return "<\(address)>" }
        if name.unicodeScalars.allSatisfy({ $0.isASCII && $0.value >= 0x20 }) {
            let quoted = name.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
            return "\"\(quoted)\" <\(address)>"
        }
        return "\(MailHeader.encodedWords(name)) <\(address)>"
    }
}

/// Header-building rules shared by the message and its mailboxes.
enum MailHeader {
    /// Control characters (CR and LF above all) become spaces: nothing a field holds can start a header.
    static func clean(_ s: String) -> String {
        String(String.UnicodeScalarView(s.unicodeScalars.map { $0.value < 0x20 || $0.value == 0x7F ? " " : $0 }))
    }

    static func isFieldName(_ s: String) -> Bool {
        !s.isEmpty && s.utf8.allSatisfy { $0 > 32 && $0 < 127 && $0 != UInt8(ascii: ":") }
    }

    /// The longest run of text, or of spaces, that a header keeps as plain text: folding happens only before
    /// a space that precedes text, so a longer run (a very long case number) is sent as encoded words, which
    /// can be split anywhere.
    static let longestRun = 76

    /// Printable ASCII stays as is; anything else, or a run too long to fold, becomes encoded words.
    static func encodedText(_ s: String) -> String {
        let c = clean(s)
        if c.unicodeScalars.allSatisfy({ $0.isASCII }) && !c.contains("=?") && longestRun(c) <= longestRun { return c }
        return encodedWords(c)
    }

    private static func longestRun(_ s: String) -> Int {
        var longest = 0, run = 0
        var spaces = false
        for b in s.utf8 {
            if (b == UInt8(ascii: " ")) != spaces { run = 0; spaces.toggle() }
            run += 1
            longest = max(longest, run)
        }
        return longest
    }

    /// RFC 2047 `=?UTF-8?B?…?=` words of at most 75 characters, never splitting a character.
    static func encodedWords(_ s: String) -> String {
        var words: [[UInt8]] = []
        var chunk: [UInt8] = []
        for ch in s {
            let bytes = Array(String(ch).utf8)
            // 75 - len("=?UTF-8?B?" + "?=") = 63 base64 characters = 45 bytes of text.
            if chunk.count + bytes.count > 45 {
                words.append(chunk)
                chunk = []
            }
            chunk += bytes
        }
        if !chunk.isEmpty || words.isEmpty { words.append(chunk) }
        return words.map { "=?UTF-8?B?" + Data($0).base64EncodedString() + "?=" }.joined(separator: " ")
    }

    /// `Name: value`, folded by RFC 5322: a line break goes only before a space that precedes text, so no
    /// line is white space alone and unfolding (removing each CRLF) gives the value back exactly. Lines stay
    /// within 78 characters wherever the value has a space to break at (`encodedText` sees that it has).
    static func fold(_ name: String, _ value: String) -> String {
        var lines: [String] = []
        var current = name + ":"
        // Units of (spaces, text): the value is " " + value, so every unit starts with at least one space.
        var units: [(spaces: Int, text: Substring)] = []
        var rest = Substring(" " + value)
        while !rest.isEmpty {
            let spaces = rest.prefix { $0 == " " }.count
            rest = rest.dropFirst(spaces)
            let text = rest.prefix { $0 != " " }
            rest = rest.dropFirst(text.count)
            units.append((spaces, text))
        }
        for unit in units {
            let width = unit.spaces + unit.text.utf8.count
            if !unit.text.isEmpty, current.utf8.count + width > 78, current.utf8.count > name.utf8.count + 1 {
                // Break before the unit's last space: the line ends with the others, the next starts with it.
                current += String(repeating: " ", count: unit.spaces - 1)
                lines.append(current)
                current = " " + unit.text
            } else {
                current += String(repeating: " ", count: unit.spaces) + unit.text
            }
        }
        lines.append(current)
        return lines.joined(separator: "\r\n")
    }

    /// RFC 5322 date in UTC: `Sun, 29 Nov 2026 07:18:40 +0000`.
    static func date(_ instant: Instant) -> String {
        let d = instant.utcDate
        let (year, month, day) = d.components
        let s = Int(instant.seconds - Int64(d.dayNumber) * 86_400)
        let days = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        func two(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }
        return "\(days[d.weekday.rawValue - 1]), \(two(day)) \(months[month - 1]) \(year) "
            + "\(two(s / 3600)):\(two(s / 60 % 60)):\(two(s % 60)) +0000"
    }

    /// Line endings normalised to CRLF.
    static func crlf(_ s: String) -> String {
        s.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\r", with: "\n")
            .replacingOccurrences(of: "\n", with: "\r\n")
    }

    static func base64Lines(_ bytes: [UInt8]) -> [String] {
        let all = Data(bytes).base64EncodedString()
        var out: [String] = []
        var i = all.startIndex
        while i < all.endIndex {
            let j = all.index(i, offsetBy: 76, limitedBy: all.endIndex) ?? all.endIndex
            out.append(String(all[i..<j]))
            i = j
        }
        return out
    }

    static func digest(_ s: String) -> String { SHA256.hex(s) }
}
