/// One response of an IMAP server (RFC 3501 §7): its lines, with the literals (`{N}` then N bytes) between
/// them, as the server sent them. `IMAPResponseReader` frames them; `tokens` reads one as IMAP's values.
public struct IMAPResponse: Sendable, Equatable {
    public enum Part: Sendable, Equatable {
        case text([UInt8])
        case literal([UInt8])
    }

    public var parts: [Part]

    public init(parts: [Part]) { self.parts = parts }

    /// The first line, as text.
    public var line: String {
        guard case .text(let t)? = parts.first else { return "" }
        return String(decoding: t, as: UTF8.self)
    }

    /// `*` (untagged), `+` (a continuation request) or the tag of the command it completes.
    public var tag: String { String(line.prefix { $0 != " " }) }

    /// A tagged or untagged status's condition (`OK`, `NO`, `BAD`, `BYE`, `PREAUTH`), when it is one.
    public var status: String? {
        let words = line.split(separator: " ", maxSplits: 2)
        guard words.count >= 2 else { return nil }
        let w = words[1].uppercased()
        return ["OK", "NO", "BAD", "BYE", "PREAUTH"].contains(w) ? w : nil
    }

    /// The response code of a status (`UIDVALIDITY 3857529045` in `* OK [UIDVALIDITY 3857529045] UIDs valid`).
    public var code: String? {
        let l = line
        guard status != nil, let open = l.firstIndex(of: "["), let close = l[open...].firstIndex(of: "]") else { return nil }
        return String(l[l.index(after: open)..<close])
    }

    /// The status's human-readable text (after the code), for errors: never a credential, since Tickler
    /// sends none in a way the server echoes.
    public var text: String {
        let words = line.split(separator: " ", maxSplits: 2, omittingEmptySubsequences: false)
        guard words.count == 3 else { return "" }
        var rest = Substring(words[2])
        if rest.hasPrefix("["), let close = rest.firstIndex(of: "]") { rest = rest[rest.index(after: close)...] }
        return String(rest.drop { $0 == " " }.prefix(200))
    }

    /// An IMAP value.
    public indirect enum Token: Sendable, Equatable {
        /// An atom or a number, with any `[…]` section it carries (`BODY[HEADER.FIELDS (FROM)]`).
        case atom(String)
        case string([UInt8])
        case list([Token])
        case `nil`
    }

    /// The response's values, in order (the tag is the first). Nil when it is not well formed.
    public var tokens: [Token]? {
        var stack: [[Token]] = [[]]
        for (i, part) in parts.enumerated() {
            switch part {
            case .literal(let bytes):
                stack[stack.count - 1].append(.string(bytes))
            case .text(let t):
                var j = 0
                let isLast = i == parts.count - 1
                while j < t.count {
                    let c = t[j]
                    switch c {
                    case 32: j += 1
                    case 40: stack.append([]); j += 1  // (
                    case 41:  // )
                        guard stack.count > 1 else { return nil }
                        let inner = stack.removeLast()
                        stack[stack.count - 1].append(.list(inner))
                        j += 1
                    case 34:  // "
                        var s: [UInt8] = []
                        j += 1
                        var closed = false
                        while j < t.count {
                            if t[j] == 92, j + 1 < t.count { s.append(t[j + 1]); j += 2; continue }
                            if t[j] == 34 { closed = true; j += 1; break }
                            s.append(t[j]); j += 1
                        }
                        guard closed else { return nil }
                        stack[stack.count - 1].append(.string(s))
                    case 123 where !isLast && t.last == 125 && Self.literalStart(t) == j:  // {N} before a literal
                        j = t.count
                    default:
                        var a: [UInt8] = []
                        var depth = 0
                        while j < t.count {
                            let d = t[j]
                            if d == 91 { depth += 1 } else if d == 93 { depth -= 1 }
                            if depth <= 0 && (d == 32 || d == 40 || d == 41) { break }
                            a.append(d)
                            j += 1
                        }
                        let s = String(decoding: a, as: UTF8.self)
                        stack[stack.count - 1].append(s.uppercased() == "NIL" ? .nil : .atom(s))
                    }
                }
            }
        }
        return stack.count == 1 ? stack[0] : nil
    }

    /// Where a line's closing `{N}` or `{N+}` starts, when it ends with one.
    static func literalStart(_ t: [UInt8]) -> Int? {
        guard t.last == 125, let open = t.lastIndex(of: 123) else { return nil }
        var digits = t[(open + 1)..<(t.count - 1)]
        if digits.last == 43 { digits = digits.dropLast() }  // LITERAL+
        guard !digits.isEmpty, digits.count <= 9, digits.allSatisfy({ $0 >= 48 && $0 <= 57 }) else { return nil }
        return open
    }
}

extension IMAPResponse.Token {
    public var atom: String? { if case .atom(let a) = self { a } else { nil } }
    public var number: Int64? { atom.flatMap { Int64($0) } }
    public var bytes: [UInt8]? { if case .string(let s) = self { s } else { nil } }
    public var string: String? { bytes.map { String(decoding: $0, as: UTF8.self) } }
    public var list: [IMAPResponse.Token]? { if case .list(let l) = self { l } else { nil } }
}
