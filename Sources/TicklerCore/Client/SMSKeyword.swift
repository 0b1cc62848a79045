/// A control word in an inbound text message: the carriers' opt-out, opt-in and help keywords.
///
/// A message is a keyword only when it is keywords and nothing else, ignoring case, accents,
/// surrounding spaces and punctuation ("Stop.", " stop! ", "Opt-out"): "Stop calling me at work" is a
/// message for the case, not an opt-out. Every language's words are
/// recognised whatever the contact's language: a client who writes PARAR on an English thread has
/// opted out too.
public enum SMSKeyword: String, Sendable, CaseIterable {
    case stop, start, help

    /// The words of each keyword, by language (normalised: upper case, no accents, single spaces).
    public static let words: [String: [SMSKeyword: [String]]] = [
        "en": [.stop: ["STOP", "STOPALL", "QUIT", "END", "REVOKE", "OPT OUT", "OPTOUT", "CANCEL", "UNSUBSCRIBE"],
               .start: ["START", "UNSTOP"], .help: ["HELP", "INFO"]],
        "es": [.stop: ["PARAR", "ALTO", "DETENER", "CANCELAR", "BAJA", "NO MAS"],
               .start: ["COMENZAR", "INICIAR"], .help: ["AYUDA"]],
    ]

    private static let lookup: [String: SMSKeyword] = {
        var m: [String: SMSKeyword] = [:]
        for (_, byKeyword) in words {
            for (k, list) in byKeyword {
                for w in list { m[w] = k }
            }
        }
        return m
    }()

    /// The keyword `body` is, or nil when it is an ordinary message. A message of nothing but keywords
    /// ("STOP STOP", "help stop") is the strongest of them: stop, then start, then help.
    public init?(message body: String) {
        let text = Self.normalise(body)
        if let k = Self.lookup[text] {
            self = k
            return
        }
        let found = text.split(separator: " ").map { Self.lookup[String($0)] }
        guard found.count > 1, found.allSatisfy({ $0 != nil }) else { return nil }
        let set = Set(found.compactMap { $0 })
        self = set.contains(.stop) ? .stop : set.contains(.start) ? .start : .help
    }

    /// Upper case without accents; `-`, `_` and runs of spaces become one space; leading and trailing
    /// spaces and punctuation dropped.
    static func normalise(_ s: String) -> String {
        var out: [Character] = []
        for scalar in s.unicodeScalars {
            if let folded = fold(scalar) {
                out.append(folded)
            } else if scalar.properties.generalCategory == .nonspacingMark {
                continue  // a combining accent (decomposed text): dropped like a precomposed one
            } else if scalar == "-" || scalar == "_" || scalar.properties.isWhitespace {
                if out.last != " " { out.append(" ") }
            } else if scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) {
                out.append(Character(scalar))  // a letter of another script: never a keyword
            } else {
                if out.last != " " { out.append(" ") }  // punctuation separates like a space
            }
        }
        return String(out).trimmingSpaces
    }

    /// ASCII letters upper-cased, and the accented Latin letters of Spanish (and French) folded to theirs.
    private static func fold(_ c: Unicode.Scalar) -> Character? {
        switch c.value {
        case 0x61...0x7A: return Character(Unicode.Scalar(c.value - 32)!)
        case 0x41...0x5A: return Character(c)
        default: return accented[Character(c)]
        }
    }

    private static let accented: [Character: Character] = [
        "á": "A", "à": "A", "â": "A", "ä": "A", "Á": "A", "À": "A", "Â": "A", "Ä": "A",
        "é": "E", "è": "E", "ê": "E", "ë": "E", "É": "E", "È": "E", "Ê": "E", "Ë": "E",
        "í": "I", "î": "I", "ï": "I", "Í": "I", "Î": "I", "Ï": "I",
        "ó": "O", "ô": "O", "ö": "O", "Ó": "O", "Ô": "O", "Ö": "O",
        "ú": "U", "ù": "U", "û": "U", "ü": "U", "Ú": "U", "Ù": "U", "Û": "U", "Ü": "U",
        "ñ": "N", "Ñ": "N", "ç": "C", "Ç": "C",
    ]
}

extension String {
    fileprivate var trimmingSpaces: String {
        var s = Substring(self)
        while s.first == " " { s = s.dropFirst() }
        while s.last == " " { s = s.dropLast() }
        return String(s)
    }
}
