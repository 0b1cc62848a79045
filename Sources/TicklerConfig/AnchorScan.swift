/// Finds YAML anchors (`&name`) and aliases (`*name`) before the text is composed. The configuration does
/// not support them: an alias of an alias expands exponentially (a few hundred bytes can take minutes to
/// load), and a policy file is clearer without them. The scan follows the YAML indicators a configuration
/// uses: quoted scalars, comments, block scalars (`|`, `>`), and the positions where a node can start (the
/// start of a line, after `-`, `:`, `?`, `[`, `{` or `,`); inside a plain scalar (`a & b`) they are text.
enum AnchorScan {
    struct Found: Equatable {
        var line: Int
        var column: Int
        var isAlias: Bool
    }

    static func first(in text: String) -> Found? {
        var line = 1
        /// Content lines of a block scalar are indented deeper than the line that opened it.
        var blockIndent: Int?
        var quote: UInt8?  // a quoted scalar may run over several lines
        for raw in text.utf8.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false) {
            defer { line += 1 }
            let bytes = Array(raw)
            let indent = bytes.prefix { $0 == UInt8(ascii: " ") }.count
            let blank = bytes.allSatisfy { $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") || $0 == UInt8(ascii: "\r") }
            if let b = blockIndent {
                if blank || indent > b { continue }
                blockIndent = nil
            }
            var previous: UInt8 = 0  // the last significant byte before this one on the line (0: none yet)
            var i = 0
            while i < bytes.count {
                let c = bytes[i]
                if let q = quote {
                    if c == q {
                        if q == UInt8(ascii: "'"), i + 1 < bytes.count, bytes[i + 1] == q { i += 2; continue }  // ''
                        quote = nil
                        previous = c
                    } else if c == UInt8(ascii: "\\"), q == UInt8(ascii: "\"") {
                        i += 1
                    }
                    i += 1
                    continue
                }
                switch c {
                case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\r"):
                    break
                case UInt8(ascii: "#") where i == 0 || bytes[i - 1] == UInt8(ascii: " ") || bytes[i - 1] == UInt8(ascii: "\t"):
                    i = bytes.count
                    continue
                case UInt8(ascii: "'"), UInt8(ascii: "\""):
                    if startsNode(after: previous) && separated(bytes, i) { quote = c }
                    previous = c
                case UInt8(ascii: "&"), UInt8(ascii: "*"):
                    if startsNode(after: previous), separated(bytes, i), i + 1 < bytes.count, !isSpace(bytes[i + 1]) {
                        return Found(line: line, column: i + 1, isAlias: c == UInt8(ascii: "*"))
                    }
                    previous = c
                case UInt8(ascii: "|"), UInt8(ascii: ">"):
                    if startsNode(after: previous) && separated(bytes, i) {
                        // A block scalar: the rest of this line is its header, the deeper lines its text.
                        blockIndent = indent
                        i = bytes.count
                        continue
                    }
                    previous = c
                default:
                    previous = c
                }
                i += 1
            }
        }
        return nil
    }

    /// Whether a node can start after `byte` (the last significant byte before it on its line).
    private static func startsNode(after byte: UInt8) -> Bool {
        switch byte {
        case 0, UInt8(ascii: "-"), UInt8(ascii: ":"), UInt8(ascii: "?"), UInt8(ascii: "["), UInt8(ascii: "{"),
             UInt8(ascii: ","):
            true
        default:
            false
        }
    }

    /// An indicator begins a token only at the start of a line, after white space or after `[`, `{`, `,`.
    private static func separated(_ bytes: [UInt8], _ i: Int) -> Bool {
        guard i > 0 else { return true }
        let b = bytes[i - 1]
        return isSpace(b) || b == UInt8(ascii: "[") || b == UInt8(ascii: "{") || b == UInt8(ascii: ",")
    }

    private static func isSpace(_ b: UInt8) -> Bool { b == UInt8(ascii: " ") || b == UInt8(ascii: "\t") || b == UInt8(ascii: "\r") }
}
