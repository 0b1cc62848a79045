import Foundation
import TicklerCore

/// Keeps email addresses and phone numbers out of the journal unless `journal.include_client: true`: an
/// address becomes `address:` and the first 8 hex digits of its SHA-256 (a number `phone:` and its
/// digest), so ops can still tell two apart and match one they already know, without the journal
/// holding it. Contacts are named by id (`contact:k1`), never by name.
package struct Redaction: Sendable {
    package let includeClient: Bool

    package init(includeClient: Bool) { self.includeClient = includeClient }

    package func recipient(_ r: String) -> String {
        if includeClient { return r }
        if r.contains("@") { return "address:" + SHA256.hex(r.lowercased()).prefix(8) }
        if Self.looksLikePhone(r) { return "phone:" + SHA256.hex(r.filter(\.isNumber)).prefix(8) }
        return r
    }

    /// A number in E.164 (`+` and 8 to 15 digits), as contacts' phones are stored: never an id.
    package static func looksLikePhone(_ s: String) -> Bool { Contact.isE164(s) }

    package func recipients(_ rs: [String]) -> [String] { rs.map(recipient) }

    /// `text` with every `local@domain` token replaced as `recipient` does.
    package func scrub(_ text: String) -> String {
        guard !includeClient, text.contains("@") || text.contains("+") else { return text }
        var out = ""
        var token = ""
        func flush() {
            let core = token.trimming("<>\"'(),;:[].")
            if token.contains("@") || Self.looksLikePhone(core) {
                out += token.replacingOccurrences(of: core, with: recipient(core))
            } else {
                out += token
            }
            token = ""
        }
        for ch in text {
            if ch.isWhitespace {
                flush()
                out.append(ch)
            } else {
                token.append(ch)
            }
        }
        flush()
        return out
    }
}

private extension String {
    package func trimming(_ set: String) -> String {
        var s = Substring(self)
        while let f = s.first, set.contains(f) { s = s.dropFirst() }
        while let l = s.last, set.contains(l) { s = s.dropLast() }
        return String(s)
    }
}
