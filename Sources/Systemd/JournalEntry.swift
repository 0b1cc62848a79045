import Synchronization

/// One structured journal entry: ordered `NAME=value` fields. A name may repeat (journald keeps every
/// value), so this is a list, not a dictionary. Values may hold any bytes, newlines included.
public struct JournalEntry: Sendable, Equatable {
    public private(set) var fields: [(name: String, value: String)] = []

    public init() {}

    public init(_ fields: [(String, String)]) {
        for (n, v) in fields { append(n, v) }
    }

    public static func == (l: JournalEntry, r: JournalEntry) -> Bool {
        l.fields.map(\.name) == r.fields.map(\.name) && l.fields.map(\.value) == r.fields.map(\.value)
    }

    /// Adds a field. journald silently drops fields whose names are not `[A-Z0-9_]+` (not starting with
    /// `_`, at most 64 characters), so such a name is a programming error here, caught in tests.
    public mutating func append(_ name: String, _ value: String) {
        precondition(Self.isValidFieldName(name), "invalid journal field name \(name)")
        fields.append((name, value))
    }

    public func value(_ name: String) -> String? { fields.first { $0.name == name }?.value }

    public static func isValidFieldName(_ name: String) -> Bool {
        guard let first = name.utf8.first, first != UInt8(ascii: "_"), name.utf8.count <= 64 else { return false }
        return name.utf8.allSatisfy { ($0 >= 65 && $0 <= 90) || ($0 >= 48 && $0 <= 57) || $0 == 95 }
    }

    /// `order_id`, `case-number`, `TICKLER_POLICY` → `TICKLER_ORDER_ID`, `TICKLER_CASE_NUMBER`, `TICKLER_POLICY`:
    /// uppercase, anything but letters and digits becomes `_`, and the `TICKLER_` prefix is added once.
    public static func ticklerFieldName(_ key: String) -> String {
        // The keys are the code's own (a few dozen): each is spelt once and remembered.
        if let known = knownNames.withLock({ $0[key] }) { return known }
        let name = spell(key)
        knownNames.withLock { if $0.count < 1024 { $0[key] = name } }
        return name
    }

    private static let knownNames = Mutex<[String: String]>([:])

    private static func spell(_ key: String) -> String {
        // One pass: ASCII letters upper-cased, digits kept, any other character `_`.
        var bytes: [UInt8] = []
        bytes.reserveCapacity(key.utf8.count + 8)
        for scalar in key.unicodeScalars {
            switch scalar.value {
            case 97...122: bytes.append(UInt8(scalar.value - 32))
            case 65...90, 48...57: bytes.append(UInt8(scalar.value))
            default: bytes.append(95)
            }
        }
        let name = bytes.drop { $0 == 95 }
        let prefix = Array("TICKLER_".utf8)
        let full = name.starts(with: prefix) ? Array(name) : prefix + name
        return String(decoding: full.prefix(64), as: UTF8.self)
    }
}
