import Foundation

/// The names a Mustache template refers to, with where they are: variables (`{{x}}`, `{{{x}}}`,
/// `{{&x}}`) and sections (`{{#x}}`, `{{^x}}`). Comments, pragmas, partials, closing tags and `{{.}}` name
/// nothing. Dotted names are checked by their first part. Used to report unknown variables with their
/// location before a template ever renders.
enum MustacheTags {
    struct Tag: Equatable {
        var name: String
        var line: Int
        var column: Int
    }

    static func scan(_ text: String) -> [Tag] {
        var tags: [Tag] = []
        let chars = Array(text.unicodeScalars)
        var i = 0
        var line = 1
        var column = 1
        func advance(_ n: Int) {
            for _ in 0..<n where i < chars.count {
                if chars[i] == "\n" {
                    line += 1
                    column = 1
                } else {
                    column += 1
                }
                i += 1
            }
        }
        while i + 1 < chars.count {
            guard chars[i] == "{", chars[i + 1] == "{" else {
                advance(1)
                continue
            }
            let (tagLine, tagColumn) = (line, column)
            var j = i + 2
            var triple = false
            if j < chars.count, chars[j] == "{" {
                triple = true
                j += 1
            }
            var end = j
            while end + 1 < chars.count, !(chars[end] == "}" && chars[end + 1] == "}") { end += 1 }
            guard end + 1 < chars.count else { break }
            var body = String(String.UnicodeScalarView(chars[j..<end])).trimmingCharacters(in: .whitespaces)
            var kind: Character = " "
            if let first = body.first, "#^&!/>%<$=".contains(first) {
                kind = first
                body = String(body.dropFirst()).trimmingCharacters(in: .whitespaces)
            }
            let closeLength = triple && end + 2 < chars.count && chars[end + 2] == "}" ? 3 : 2
            if " #^&".contains(kind), !body.isEmpty, body != "." {
                // `name(transform)` forms apply a transform: the variable is inside the parentheses.
                var name = body
                if let open = name.firstIndex(of: "("), name.hasSuffix(")") {
                    name = String(name[name.index(after: open)..<name.index(before: name.endIndex)])
                }
                if let dot = name.firstIndex(of: ".") { name = String(name[..<dot]) }
                tags.append(Tag(name: name, line: tagLine, column: tagColumn))
            }
            advance(end + closeLength - i)
        }
        return tags
    }
}
