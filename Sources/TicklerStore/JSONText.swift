import Foundation

/// Minimal JSON text for lists of strings stored in one column (`tags`, `recipients`).
public enum JSONText {
    /// `["a","b"]`, or with `separator: ", "` the spaced form.
    public static func array(_ items: [String], separator: String = ",") -> String {
        "[" + items.map(quote).joined(separator: separator) + "]"
    }

    /// A quoted JSON string.
    public static func quote(_ s: String) -> String {
        var out = "\""
        for u in s.unicodeScalars {
            switch u {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if u.value < 0x20 {
                    let hex = String(u.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else { out.unicodeScalars.append(u) }
            }
        }
        return out + "\""
    }

    /// Parses a JSON array of strings; nil when the text is not one. Simple arrays (no escapes) are
    /// read directly: the snapshot reader parses the tags of every case.
    package static func parseArray(_ text: String) -> [String]? {
        let t = text.trimmingCharacters(in: .whitespaces)
        if t.hasPrefix("["), t.hasSuffix("]"), !t.contains("\\") {
            let inner = t.dropFirst().dropLast().trimmingCharacters(in: .whitespaces)
            if inner.isEmpty { return [] }
            var out: [String] = []
            for part in inner.split(separator: ",", omittingEmptySubsequences: false) {
                let item = part.trimmingCharacters(in: .whitespaces)
                guard item.count >= 2, item.hasPrefix("\""), item.hasSuffix("\""), !item.dropFirst().dropLast().contains("\"")
                else { return slowParse(text) }
                out.append(String(item.dropFirst().dropLast()))
            }
            return out
        }
        return slowParse(text)
    }

    private static func slowParse(_ text: String) -> [String]? {
        guard let data = text.data(using: .utf8),
              let value = try? JSONSerialization.jsonObject(with: data) as? [Any] else { return nil }
        return value as? [String]
    }
}
