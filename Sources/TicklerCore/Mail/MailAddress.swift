/// The addresses of an address list (`From`, `To`, `Cc`: RFC 5322 §3.4), lowercased, without display
/// names, comments or groups: `"Smith, Ann" <Ann@Example.test>, (a note) bo@example.test` →
/// `ann@example.test`, `bo@example.test`. Only what has one `@` between a local part and a domain is an
/// address; anything else is passed over.
public enum MailAddress {
    public static func list(_ text: String) -> [String] {
        var out: [String] = []
        var token = ""
        var angle: String?
        var inQuote = false, escaped = false, depth = 0
        func end() {
            if let a = angle.flatMap(normalized) { out.append(a) } else if let a = normalized(token) { out.append(a) }
            token = ""
            angle = nil
        }
        for ch in text {
            if escaped { escaped = false; if angle != nil { angle!.append(ch) }; continue }
            if inQuote {
                if ch == "\\" { escaped = true } else if ch == "\"" { inQuote = false }
                if angle != nil { angle!.append(ch) }
                continue
            }
            if depth > 0 {
                if ch == "\\" { escaped = true } else if ch == "(" { depth += 1 } else if ch == ")" { depth -= 1 }
                continue
            }
            switch ch {
            case "\"": inQuote = true; if angle != nil { angle!.append(ch) }
            case "(": depth = 1
            case "<": angle = ""
            case ">": if let a = angle { token = ""; angle = nil; if let n = normalized(a) { out.append(n) } }
            case ",", ";": end()
            case ":" where angle == nil: token = ""  // a group's name
            default:
                if angle != nil { angle!.append(ch) } else { token.append(ch) }
            }
        }
        end()
        return out
    }

    /// `local@domain`, lowercased and trimmed, or nil.
    public static func normalized(_ text: String) -> String? {
        let t = MailHeaders.trim(text).lowercased()
        let parts = t.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, parts[1].contains("."), !parts[1].hasPrefix("."), !parts[1].hasSuffix("."),
              !t.contains(where: { $0 == " " || $0 == "\t" || $0 == "<" || $0 == ">" || $0 == "," }) else { return nil }
        return t
    }

    /// The message ids of a `Message-ID`, `In-Reply-To` or `References` field: each `<…>`, without its brackets.
    public static func messageIDs(_ text: String) -> [String] {
        var out: [String] = []
        var current: String?
        for ch in text {
            if ch == "<" { current = "" } else if ch == ">" {
                if let c = current, !c.isEmpty, !c.contains(" ") { out.append(c) }
                current = nil
            } else if current != nil { current!.append(ch) }
        }
        return out
    }
}
