import Yams

/// Reads a composed YAML tree while collecting every problem with its location, so that one pass
/// reports all errors instead of stopping at the first.
final class NodeReader {
    let file: String
    private(set) var diagnostics: [Diagnostic] = []
    /// What works but reads badly: reported by check-config, the configuration still used.
    private(set) var warnings: [Diagnostic] = []
    /// Where each stage of `stages:` was written (`AREA/ID`).
    var stageLocations: [String: SourceLocation] = [:]

    init(file: String) { self.file = file }

    func location(_ node: Node?) -> SourceLocation {
        SourceLocation(file: file, line: node?.mark?.line ?? 1, column: node?.mark?.column ?? 1)
    }

    func error(_ node: Node?, _ message: String) {
        let mark = node?.mark
        diagnostics.append(Diagnostic(file: file, line: mark?.line ?? 1, column: mark?.column ?? 1, message: message))
    }

    func warning(_ node: Node?, _ message: String) {
        warnings.append(location(node).warning(message))
    }

    /// Problems found in another file (a court file the configuration names).
    func add(_ more: [Diagnostic]) { diagnostics += more }

    func error(line: Int, column: Int, file: String? = nil, _ message: String) {
        diagnostics.append(Diagnostic(file: file ?? self.file, line: line, column: column, message: message))
    }

    /// Keys that hold secrets: writing one inline is an error whatever the section.
    static let secretKeys: Set<String> = ["password", "secret", "token", "auth_token", "api_key", "apikey", "passphrase", "private_key"]

    /// The entries of a mapping, keyed by name, after checking that every key is allowed and unique.
    /// Values are never echoed in messages: a misplaced value may be a secret.
    func mapping(_ node: Node, _ what: String, allowed: [String], required: [String] = []) -> Fields? {
        guard case .mapping(let m) = node else {
            error(node, "\(what) must be a mapping")
            return nil
        }
        var fields = Fields(node: node)
        for (keyNode, value) in m {
            guard case .scalar(let s) = keyNode else {
                error(keyNode, "\(what) keys must be plain names")
                continue
            }
            let key = s.string
            if fields.values[key] != nil {
                error(keyNode, "duplicate key '\(key)' in \(what)")
                continue
            }
            if !allowed.contains(key) {
                if Self.secretKeys.contains(key.lowercased()) {
                    error(keyNode, "inline secret '\(key)' in \(what) is not allowed; store it as a systemd credential "
                        + "(LoadCredential=) and name it with '\(key)_credential'")
                } else {
                    let hint = Self.suggestion(for: key, among: allowed).map { "; did you mean '\($0)'?" } ?? ""
                    error(keyNode, "unknown key '\(key)' in \(what)\(hint)")
                }
                continue
            }
            fields.values[key] = value
            fields.keys[key] = keyNode
            fields.order.append(key)
        }
        for key in required where fields.values[key] == nil {
            error(node, "\(what) is missing required key '\(key)'")
        }
        return fields
    }

    /// The text of a scalar, or nil (with an error) for a mapping or sequence.
    func string(_ node: Node, _ what: String) -> String? {
        switch node {
        case .scalar(let s):
            if s.style == .plain && (s.string == "~" || s.string == "null" || s.string.isEmpty) {
                error(node, "\(what) must not be empty")
                return nil
            }
            return s.string
        case .alias:
            error(node, "YAML aliases are not supported in tickler.yaml")
            return nil
        default:
            error(node, "\(what) must be a single value")
            return nil
        }
    }

    /// A list of scalars; a lone scalar counts as a list of one.
    func strings(_ node: Node, _ what: String) -> [(String, Node)]? {
        switch node {
        case .scalar:
            return string(node, what).map { [($0, node)] }
        case .sequence(let seq):
            var out: [(String, Node)] = []
            for item in seq {
                if let s = string(item, "each entry of \(what)") { out.append((s, item)) }
            }
            return out
        default:
            error(node, "\(what) must be a list")
            return nil
        }
    }

    func sequence(_ node: Node, _ what: String) -> [Node]? {
        guard case .sequence(let seq) = node else {
            error(node, "\(what) must be a list")
            return nil
        }
        return Array(seq)
    }

    func bool(_ node: Node, _ what: String) -> Bool? {
        guard let s = string(node, what) else { return nil }
        switch s {
        case "true": return true
        case "false": return false
        default:
            error(node, "\(what) must be true or false")
            return nil
        }
    }

    func int(_ node: Node, _ what: String, range: ClosedRange<Int>) -> Int? {
        guard let s = string(node, what) else { return nil }
        guard let v = Int(s), range.contains(v) else {
            error(node, "\(what) must be a whole number from \(range.lowerBound) to \(range.upperBound)")
            return nil
        }
        return v
    }

    /// The closest allowed spelling within two edits, for "did you mean".
    static func suggestion(for word: String, among options: [String]) -> String? {
        var best: (String, Int)?
        for o in options {
            let d = editDistance(word.lowercased(), o)
            if d <= 2, d < (best?.1 ?? 3) { best = (o, d) }
        }
        return best?.0
    }

    static func editDistance(_ a: String, _ b: String) -> Int {
        let a = Array(a), b = Array(b)
        if a.isEmpty { return b.count }
        var row = Array(0...b.count)
        for i in 1...a.count {
            var prev = row[0]
            row[0] = i
            for j in stride(from: 1, through: b.count, by: 1) {
                let cur = row[j]
                row[j] = min(row[j] + 1, row[j - 1] + 1, prev + (a[i - 1] == b[j - 1] ? 0 : 1))
                prev = cur
            }
        }
        return row[b.count]
    }
}

/// The checked entries of one YAML mapping.
struct Fields {
    let node: Node
    var values: [String: Node] = [:]
    var keys: [String: Node] = [:]
    var order: [String] = []

    subscript(_ key: String) -> Node? { values[key] }
}
