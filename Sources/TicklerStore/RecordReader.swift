import TicklerCore

/// Reads the fields of one import record (a JSON object or a CSV row), collecting every problem with
/// its path. Values are not quoted in messages: they may be client data.
final class RecordReader {
    let fields: [String: Any]
    let path: String
    /// CSV cells are all text: booleans are `true`/`false`/`1`/`0`, tags are `;`-separated.
    let csv: Bool
    private(set) var problems: [ImportProblem] = []

    init(_ fields: [String: Any], path: String, csv: Bool) {
        self.fields = fields
        self.path = path
        self.csv = csv
    }

    func problem(_ key: String?, _ message: String) {
        problems.append(ImportProblem(path: key.map { "\(path).\($0)" } ?? path, message: message))
    }

    /// Adds the problems of a record nested in this one, after this one's own.
    func absorb(_ nested: [ImportProblem]) { problems += nested }

    func rejectUnknown(allowed: Set<String>) {
        for key in fields.keys.sorted() where !allowed.contains(key) { problem(key, "unknown field") }
    }

    private func raw(_ key: String) -> Any? {
        guard let v = fields[key] else { return nil }
        if v is any NSNullLike { return nil }
        if csv, let s = v as? String, s.isEmpty { return nil }
        return v
    }

    func string(_ key: String, required: Bool = false) -> String? {
        guard let v = raw(key) else {
            if required { problem(key, "is required") }
            return nil
        }
        guard let s = v as? String else {
            problem(key, "must be a string")
            return nil
        }
        if required && s.trimmingWhitespace.isEmpty {
            problem(key, "must not be empty")
            return nil
        }
        return s
    }

    func id(_ key: String = "id") -> String? {
        guard let s = string(key, required: true) else { return nil }
        if s.count > 200 || s.contains(where: { $0.isNewline || $0 == "\0" }) {
            problem(key, "must be at most 200 characters on one line")
            return nil
        }
        return s
    }

    func instant(_ key: String, required: Bool = false) -> Instant? {
        guard let s = string(key, required: required) else { return nil }
        guard let t = RFC3339.parse(s) else {
            problem(key, "is not an RFC 3339 timestamp with an offset (e.g. 2026-09-01T16:00:00Z)")
            return nil
        }
        return t
    }

    func choice<E: RawRepresentable & CaseIterable>(_ key: String, _ type: E.Type, required: Bool = true,
                                                     default value: E? = nil) -> E? where E.RawValue == String {
        guard let s = string(key, required: required && value == nil) else { return value }
        guard let e = E(rawValue: s) else {
            problem(key, "must be one of \(E.allCases.map(\.rawValue).joined(separator: ", "))")
            return nil
        }
        return e
    }

    func bool(_ key: String, default value: Bool) -> Bool {
        guard let v = raw(key) else { return value }
        if let b = v as? Bool { return b }
        if csv, let s = v as? String {
            switch s.lowercased() {
            case "true", "1", "yes": return true
            case "false", "0", "no": return false
            default: break
            }
        }
        problem(key, "must be true or false")
        return value
    }

    /// True, false, or nil when the key is absent (or null, or an empty CSV cell): not said.
    func optionalBool(_ key: String) -> Bool? {
        raw(key) == nil ? nil : bool(key, default: false)
    }

    func strings(_ key: String) -> [String] {
        guard let v = raw(key) else { return [] }
        if csv, let s = v as? String {
            return s.split(separator: ";").map { String($0).trimmingWhitespace }.filter { !$0.isEmpty }
        }
        guard let a = v as? [Any], let strings = a as? [String] else {
            problem(key, "must be a list of strings")
            return []
        }
        return strings
    }

    func email(_ key: String) -> String? {
        guard let s = string(key) else { return nil }
        guard Recipient.isEmailAddress(s) else {
            problem(key, "is not an email address")
            return nil
        }
        return s
    }
}

/// Stands for JSON null whichever way the JSON reader spells it.
protocol NSNullLike {}

extension String {
    var trimmingWhitespace: String {
        var s = Substring(self)
        while let f = s.first, f.isWhitespace { s.removeFirst() }
        while let l = s.last, l.isWhitespace { s.removeLast() }
        return String(s)
    }
}
