import Foundation
import Mustache
import TicklerCore

/// The message templates: Mustache files in the configuration's `templates/` directory, each for one part
/// of a message (`subject`, `text`, `html`), chosen most specific first:
/// `POLICY.stageN.PART.mustache`, then `POLICY.PART.mustache`, then `default.PART.mustache`, then the
/// built-in default. `digest.PART.mustache` shapes the daily digest. HTML parts escape every variable;
/// text parts and subjects do not.
public struct TemplateCatalog: Sendable {
    public enum Part: String, CaseIterable, Sendable {
        case subject, text, html
        /// A text message to a client.
        case sms
    }

    /// The parts of a staff message, and of a client message (no HTML to clients: plain text says less).
    static let staffParts: Set<Part> = [.subject, .text, .html]
    static let clientParts: Set<Part> = [.subject, .text, .sms]

    private var templates: [String: MustacheTemplate]

    /// The built-in defaults only.
    public static let builtIn: TemplateCatalog = {
        var t: [String: MustacheTemplate] = [:]
        for (name, text) in DefaultTemplates.all.merging(ClientTemplates.all, uniquingKeysWith: { a, _ in a })
            .merging(ClientTemplates.shortSMS, uniquingKeysWith: { a, _ in a }) {
            let part = Part(rawValue: String(name.split(separator: ".").last!))!
            t[name] = try! Self.compile(text, part: part)
        }
        return TemplateCatalog(templates: t)
    }()

    private init(templates: [String: MustacheTemplate]) { self.templates = templates }

    /// Loads the templates of `directory` over the built-in defaults and checks them: names that match no
    /// policy (of `stages`: policy id → number of stages) or part, Mustache syntax, and variables the
    /// messages do not have. Every problem is reported, each with its file, line and column.
    public static func load(directory: String?, stages: [String: Int]) throws(TemplateProblems) -> TemplateCatalog {
        var catalog = builtIn
        guard let directory else { return catalog }
        let files: [String]
        do { files = try FileManager.default.contentsOfDirectory(atPath: directory).sorted() } catch {
            throw TemplateProblems([TemplateProblem(file: directory, line: 1, column: 1,
                                                    message: "the templates directory cannot be read")])
        }
        var problems: [TemplateProblem] = []
        for file in files where file.hasSuffix(".mustache") {
            let path = directory + "/" + file
            let name = String(file.dropLast(".mustache".count))
            guard let (part, vocabulary) = classify(name, stages: stages) else {
                problems.append(TemplateProblem(file: path, line: 1, column: 1, message:
                    "'\(file)' names no template: use POLICY.stageN.PART, POLICY.PART, default.PART or digest.PART "
                        + "(PART is subject, text or html) with a policy id of the configuration, or for client messages "
                        + "POLICY[.stageN].client[.LANGUAGE].PART or client-KIND.LANGUAGE.PART (PART is subject, text or sms)"))
                continue
            }
            guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8) else {
                problems.append(TemplateProblem(file: path, line: 1, column: 1, message: "cannot be read as UTF-8 text"))
                continue
            }
            let (template, found) = check(text, part: part, vocabulary: vocabulary, path: path)
            if let template { catalog.templates[name] = template }
            problems += found
        }
        if !problems.isEmpty { throw TemplateProblems(problems) }
        return catalog
    }

    /// Checks one template's text: its variables against `vocabulary` and its Mustache syntax. Returns the
    /// compiled template when there is no problem, and the problems in the order of the text.
    static func check(_ text: String, part: Part, vocabulary: Set<String>, path: String) -> (MustacheTemplate?, [TemplateProblem]) {
        var found: [TemplateProblem] = []
        let client = vocabulary.isSubset(of: ClientNotice.vocabulary)
        for tag in MustacheTags.scan(text) where !vocabulary.contains(tag.name) {
            // A client template is held to the whitelist: say so, rather than suggest a staff field.
            let message = client
                ? "'\(tag.name)' may not appear in a client message; client templates may use only "
                    + vocabulary.sorted().joined(separator: ", ")
                : "unknown variable '\(tag.name)'\(suggestion(tag.name, vocabulary))"
            found.append(TemplateProblem(file: path, line: tag.line, column: tag.column, message: message))
        }
        var template: MustacheTemplate?
        do { template = try compile(text, part: part) } catch {
            found.append(TemplateProblem(file: path, line: error.line, column: error.column, message: "Mustache syntax: \(error.message)"))
        }
        return (found.isEmpty ? template : nil, found.sorted { ($0.line, $0.column) < ($1.line, $1.column) })
    }

    /// The problems of one template text named `name` (as its file would be, without `.mustache`), for a
    /// configuration whose policies have `stages`; one problem when the name names no template.
    public static func problems(in text: String, name: String, stages: [String: Int], path: String) -> [TemplateProblem] {
        guard let (part, vocabulary) = classify(name, stages: stages) else {
            return [TemplateProblem(file: path, line: 1, column: 1, message: "'\(name)' names no template")]
        }
        return check(text, part: part, vocabulary: vocabulary, path: path).1
    }

    /// Loads the templates of `directory` for `policies`.
    public static func load(directory: String?, policies: [Policy]) throws(TemplateProblems) -> TemplateCatalog {
        try load(directory: directory, stages: Dictionary(policies.map { ($0.id, $0.stages.count) }, uniquingKeysWith: { a, _ in a }))
    }

    /// Renders one part of a fire's message.
    public func render(_ part: Part, policy: String, stage: Int, fields: [String: Any]) -> String {
        let template = templates["\(policy).stage\(stage).\(part.rawValue)"] ?? templates["\(policy).\(part.rawValue)"]
            ?? templates["default.\(part.rawValue)"]!
        return finish(template.render(fields), part)
    }

    /// Renders one part of a client message, most specific first: the policy's stage's template in the
    /// contact's language, without a language, the policy's in the language and without, then the built-in
    /// of the message's kind in the language, else in `fallback`, else in English. A sensitive stage's
    /// message is always the sensitive template: no policy's wording can say more.
    public func renderClient(_ part: Part, policy: String, stage: Int, notice: ClientNotice, fallback: String) -> String {
        let lang = notice.language
        var names: [String] = []
        if notice.kind != .sensitive {
            names = ["\(policy).stage\(stage).client.\(lang)", "\(policy).stage\(stage).client", "\(policy).client.\(lang)",
                     "\(policy).client"]
        }
        names += ["client-\(notice.kind.rawValue).\(lang)", "client-\(notice.kind.rawValue).\(fallback)",
                  "client-\(notice.kind.rawValue).en"]
        let template = names.lazy.compactMap { templates[$0 + "." + part.rawValue] }.first!
        return finish(template.render(notice.fields), part)
    }

    /// The built-in short form of a client text (`ClientTemplates.shortSMS`), for one that does not fit its
    /// segments; nil for a kind that has none.
    public func renderClientShortSMS(_ notice: ClientNotice, fallback: String) -> String? {
        let kind = notice.kind.rawValue
        let names = ["client-\(kind)-short.\(notice.language).sms", "client-\(kind)-short.\(fallback).sms", "client-\(kind)-short.en.sms"]
        return names.lazy.compactMap { templates[$0] }.first.map { $0.render(notice.fields) }
    }

    /// The lines an email to a client ends with (`ClientTemplates.emailOptOut`), in its language.
    public func clientEmailOptOut(_ notice: ClientNotice) -> String {
        let line = ClientTemplates.emailOptOut[String(notice.language.prefix(2))] ?? ClientTemplates.emailOptOut["en"]!
        return line.replacingOccurrences(of: "{{firm_name}}", with: notice.firmName)
    }

    /// Renders one part of the daily digest.
    public func renderDigest(_ part: Part, fields: [String: Any]) -> String {
        finish(templates["digest.\(part.rawValue)"]!.render(fields), part)
    }

    private func finish(_ s: String, _ part: Part) -> String {
        guard part == .subject else { return s }
        return s.split(whereSeparator: \.isNewline).joined(separator: " ").trimmingCharacters(in: .whitespaces)
    }

    /// A Mustache syntax error at a line and column of the file as written.
    struct SyntaxError: Error {
        var line: Int
        var column: Int
        var message: String
    }

    /// Text parts and subjects are not HTML: they get Mustache's TEXT content type (no escaping).
    private static func compile(_ text: String, part: Part) throws(SyntaxError) -> MustacheTemplate {
        let pragma = part == .html ? "" : "{{% CONTENT_TYPE: TEXT}}"
        do { return try MustacheTemplate(string: pragma + text) } catch let e as MustacheTemplate.ParserError {
            // Positions in the file as written, without the pragma.
            let column = e.context.lineNumber == 1 ? e.context.columnNumber - pragma.count : e.context.columnNumber
            throw SyntaxError(line: e.context.lineNumber, column: max(1, column), message: "\(e.error)")
        } catch {
            throw SyntaxError(line: 1, column: 1, message: "\(error)")
        }
    }

    /// The part a template file name is for, and the variables it may use; nil when it names nothing.
    static func classify(_ name: String, stages: [String: Int]) -> (Part, Set<String>)? {
        let pieces = name.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        if let client = classifyClient(pieces, stages: stages) { return client }
        guard pieces.count == 2 || pieces.count == 3, let part = Part(rawValue: pieces.last!), staffParts.contains(part) else {
            return nil
        }
        let owner = pieces[0]
        if pieces.count == 2 {
            if owner == "default" { return (part, Notice.vocabulary) }
            if owner == "digest" { return (part, DigestNotice.vocabulary) }
            return stages[owner] != nil ? (part, Notice.vocabulary) : nil
        }
        guard let count = stages[owner], pieces[1].hasPrefix("stage"), let n = Int(pieces[1].dropFirst(5)),
              (1...count).contains(n) else { return nil }
        return (part, Notice.vocabulary)
    }

    /// A client template's name: `client-KIND.LANGUAGE.PART` (a built-in's replacement), or
    /// `POLICY[.stageN].client[.LANGUAGE].PART`. Its variables are the privilege-safe whitelist.
    private static func classifyClient(_ pieces: [String], stages: [String: Int]) -> (Part, Set<String>)? {
        guard pieces.count >= 3, let part = Part(rawValue: pieces.last!), clientParts.contains(part) else { return nil }
        let isLanguage = { (s: String) in
            !s.isEmpty && s.count <= 12 && s.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") }
        }
        if pieces.count == 3, pieces[0].hasPrefix("client-"),
           let kind = ClientNotice.Kind(rawValue: String(pieces[0].dropFirst("client-".count))), isLanguage(pieces[1]) {
            return (part, kind == .sensitive ? ClientNotice.sensitiveVocabulary : ClientNotice.vocabulary)
        }
        guard let count = stages[pieces[0]] else { return nil }
        var rest = pieces.dropFirst().dropLast()
        if let first = rest.first, first.hasPrefix("stage") {
            guard let n = Int(first.dropFirst(5)), (1...count).contains(n) else { return nil }
            rest = rest.dropFirst()
        }
        guard rest.first == "client" else { return nil }
        rest = rest.dropFirst()
        guard rest.count <= 1, rest.allSatisfy(isLanguage) else { return nil }
        return (part, ClientNotice.vocabulary)
    }

    private static func suggestion(_ name: String, _ vocabulary: Set<String>) -> String {
        let close = vocabulary.filter { editDistance($0, name) <= 2 }.sorted()
        return close.isEmpty ? "" : "; did you mean '\(close[0])'?"
    }

    private static func editDistance(_ a: String, _ b: String) -> Int {
        let a = Array(a), b = Array(b)
        if a.isEmpty || b.isEmpty { return max(a.count, b.count) }
        var row = Array(0...b.count)
        for i in 1...a.count {
            var prev = row[0]
            row[0] = i
            for j in 1...b.count {
                let keep = row[j]
                row[j] = min(row[j] + 1, row[j - 1] + 1, prev + (a[i - 1] == b[j - 1] ? 0 : 1))
                prev = keep
            }
        }
        return row[b.count]
    }
}

/// A problem with a template file, located: `FILE:LINE:COL: error: MESSAGE`.
public struct TemplateProblem: Sendable, Equatable, CustomStringConvertible {
    public var file: String
    public var line: Int
    public var column: Int
    public var message: String

    public var description: String { "\(file):\(line):\(column): error: \(message)" }
}

public struct TemplateProblems: Error, Sendable, CustomStringConvertible {
    public var problems: [TemplateProblem]

    public init(_ problems: [TemplateProblem]) { self.problems = problems }

    public var description: String { problems.map(\.description).joined(separator: "\n") }
}
