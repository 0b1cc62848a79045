import TicklerCore

/// The JSON forms of fires and plans: fixed key order, UTC `Z` timestamps, whole seconds.
enum FireJSON {
    /// One `simulate` line, exactly as the contract shows it.
    static func simulateLine(_ f: Fire) -> String {
        "{\"at\": \"\(f.deliverAt.rfc3339)\", \"due\": \"\(f.due.rfc3339)\", \"case\": \(q(f.caseID)), "
            + "\"policy\": \(q(f.policy)), \"stage\": \(f.key.step.stage), \"repeat\": \(f.key.step.repeatNumber), "
            + "\"action\": \"\(f.action.rawValue)\", \"subject\": \(q(f.subject.description)), "
            + "\"recipients\": \(list(f.recipients)), \"channels\": \(list(f.channels))}"
    }

    static func list(_ items: [String]) -> String { "[" + items.map(q).joined(separator: ", ") + "]" }

    static func q(_ s: String) -> String {
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
}
