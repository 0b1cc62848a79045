import Foundation
import TicklerCore

/// Keeps email addresses out of the journal unless `journal.include_client: true`: an address becomes
/// `address:` and the first 8 hex digits of its SHA-256, so ops can still tell two apart and match
/// one they already know, without the journal holding it.
struct Redaction: Sendable {
    let includeClient: Bool

    func recipient(_ r: String) -> String {
        includeClient || !r.contains("@") ? r : "address:" + SHA256.hex(r.lowercased()).prefix(8)
    }

    func recipients(_ rs: [String]) -> [String] { rs.map(recipient) }

    /// `text` with every `local@domain` token replaced as `recipient` does.
    func scrub(_ text: String) -> String {
        guard !includeClient, text.contains("@") else { return text }
        var out = ""
        var token = ""
        func flush() {
            if token.contains("@") {
                let core = token.trimming("<>\"'(),;:[]")
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
    func trimming(_ set: String) -> String {
        var s = Substring(self)
        while let f = s.first, set.contains(f) { s = s.dropFirst() }
        while let l = s.last, set.contains(l) { s = s.dropLast() }
        return String(s)
    }
}
