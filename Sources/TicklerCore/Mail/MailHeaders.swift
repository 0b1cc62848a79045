/// A message's header section (RFC 5322 §2.2): its fields in order, each unfolded, names compared without
/// regard to case. Only the header section is ever read (the body is never fetched); bytes that are not
/// UTF-8 are read as replacement characters, and a line that is not a field is passed over, never an error.
public struct MailHeaders: Sendable, Equatable {
    public struct Field: Sendable, Equatable {
        /// Lowercased.
        public var name: String
        /// Unfolded (each line break with the white space after it is one space), trimmed.
        public var value: String
    }

    public private(set) var fields: [Field]

    /// The fields of `bytes` up to the first empty line (or the end).
    public init(parsing bytes: some Collection<UInt8>) {
        var fields: [Field] = []
        var line: [UInt8] = []
        var lines: [[UInt8]] = []
        var previous: UInt8 = 0
        for b in bytes {
            if b == 10 {  // LF, after CR or not
                if line.last == 13 { line.removeLast() }
                if line.isEmpty { break }
                lines.append(line)
                line = []
            } else {
                line.append(b)
            }
            previous = b
        }
        if previous != 10, !line.isEmpty { lines.append(line) }
        var current: (name: String, value: [UInt8])?
        func flush() {
            guard let c = current else { return }
            fields.append(Field(name: c.name, value: Self.trim(String(decoding: c.value, as: UTF8.self))))
            current = nil
        }
        for l in lines {
            if let first = l.first, first == 32 || first == 9 {
                // A continuation of the field before (folding); one before any field is passed over.
                if current != nil { current!.value.append(32); current!.value += l.drop(while: { $0 == 32 || $0 == 9 }) }
                continue
            }
            flush()
            guard let colon = l.firstIndex(of: 58), colon > 0,
                  l[..<colon].allSatisfy({ $0 > 32 && $0 < 127 }) else { continue }
            current = (String(decoding: l[..<colon], as: UTF8.self).lowercased(), Array(l[(colon + 1)...]))
        }
        flush()
        self.fields = fields
    }

    /// The first field named `name`.
    public func first(_ name: String) -> String? {
        let n = name.lowercased()
        return fields.first { $0.name == n }?.value
    }

    /// Every field named `name`, in order.
    public func all(_ name: String) -> [String] {
        let n = name.lowercased()
        return fields.filter { $0.name == n }.map(\.value)
    }

    static func trim(_ s: String) -> String {
        var t = Substring(s)
        while let f = t.first, f == " " || f == "\t" { t = t.dropFirst() }
        while let l = t.last, l == " " || l == "\t" { t = t.dropLast() }
        return String(t)
    }
}
