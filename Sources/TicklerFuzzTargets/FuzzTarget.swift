import Foundation
import TicklerConfig
import TicklerCore
import TicklerDelivery
import TicklerInbound
import TicklerStore

/// The parsers fuzzed with arbitrary bytes. Each must return (never trap, never hang) and report what it
/// refuses with a location; a broken promise is a `FuzzFinding`, which the fuzzer's harness turns into a
/// crash so the input is kept.
public enum FuzzTarget: String, CaseIterable, Sendable {
    /// tickler.yaml through the whole loader (YAML, every decoder, anchors, sizes).
    case config
    /// An .ics holiday calendar.
    case ics
    /// The JSON interchange format of `tickler import`.
    case importJSON = "import-json"
    /// CSV of one of the flat tables (the first byte chooses which).
    case importCSV = "import-csv"
    /// RFC 3339 instants, policy periods (`10 business days`) and config durations (`90s`).
    case time
    /// A message template: variables and Mustache syntax.
    case template
    /// A row of every case table, its columns built from the bytes, read back by the store.
    case storeRow = "store-row"
    /// A request body to `tickler-inbound`: form decoding, the gateway's field rules, the signature.
    case inboundForm = "inbound-form"
    /// A message's header section as the mail reader reads it: fields, addresses, message ids, dates.
    case mailHeaders = "mail-headers"

    /// Runs one input (the store target reads through the store's async API).
    public func run(_ bytes: [UInt8]) async throws(FuzzFinding) {
        let text = String(decoding: bytes, as: UTF8.self)
        switch self {
        case .config: try Self.config(text)
        case .ics: try Self.ics(text)
        case .importJSON: try Self.importJSON(bytes)
        case .importCSV: try Self.importCSV(bytes)
        case .time: try Self.time(text)
        case .template: try Self.template(text)
        case .storeRow: try await StoreRowFuzz.shared.run(bytes)
        case .inboundForm: try Self.inboundForm(bytes)
        case .mailHeaders: try Self.mailHeaders(bytes)
        }
    }

    /// The first byte chooses the route; the rest is the form. What is accepted must keep the promises the
    /// signature's safety rests on: documented names only, once each, numbers in E.164, and no `+` outside
    /// `Body`, `From`, `To` and media types.
    static func inboundForm(_ bytes: [UInt8]) throws(FuzzFinding) {
        guard let first = bytes.first else { return }
        let form = InboundRequest.parseForm(Array(bytes.dropFirst()))
        _ = TwilioSignature(authToken: "fuzz").signature(url: "https://tickler.firm.test/sms/inbound", form: form)
        let route: GatewayForm.Route = [.message, .status, .call][Int(first % 3)]
        guard case .success(let accepted) = GatewayForm.check(form, route: route) else { return }
        if Set(form.map(\.0)).count != form.count { throw FuzzFinding("a field given twice was accepted") }
        if accepted.fields.count != form.count { throw FuzzFinding("accepted fields do not match the form") }
        if route == .call {
            // A call's numbers are E.164 or a word for a hidden one; its only other `+` is a timestamp's zone.
            let callers: Set<String> = ["From", "To", "Called", "Caller", "ForwardedFrom"]
            for (name, value) in accepted.fields {
                if callers.contains(name), !Contact.isE164(value), !value.allSatisfy({ $0.isASCII && $0.isLetter }) {
                    throw FuzzFinding("\(name) accepted neither E.164 nor a word")
                }
                if value.contains("+"), !callers.contains(name), name != "Timestamp" { throw FuzzFinding("a + accepted in \(name)") }
                if name == "Timestamp", value.utf8.count != 31 { throw FuzzFinding("a Timestamp of another length accepted") }
            }
            return
        }
        for (name, value) in accepted.fields {
            if (name == "From" || name == "To"), !Contact.isE164(value) { throw FuzzFinding("\(name) accepted not in E.164") }
            if value.contains("+"), !["Body", "From", "To", "ChannelToAddress"].contains(name), !name.hasPrefix("MediaContentType") {
                throw FuzzFinding("a + accepted in \(name)")
            }
            if name.hasPrefix("MediaContentType"), value.contains(where: \.isUppercase) { throw FuzzFinding("an uppercase media type accepted") }
        }
    }

    /// Whatever the bytes, a header section reads without trapping; what it yields keeps the reader's
    /// promises: addresses lowercased with one `@`, a key of 24 hex digits, no date before 1970 from a field
    /// that says a year after it.
    static func mailHeaders(_ bytes: [UInt8]) throws(FuzzFinding) {
        let headers = MailHeaders(parsing: bytes)
        for f in headers.fields where f.name != f.name.lowercased() { throw FuzzFinding("a field name not lowercased") }
        _ = headers.first("date").flatMap(MailDate.rfc5322)
        _ = MailDate.imap(String(decoding: bytes.prefix(64), as: UTF8.self))
        guard let m = ReceivedMail(headers: headers, raw: bytes, internalDate: Instant(seconds: 0)) else {
            throw FuzzFinding("a message with an arrival date was not read")
        }
        for a in m.from + m.recipients {
            if a != a.lowercased() || a.split(separator: "@", omittingEmptySubsequences: false).count != 2 {
                throw FuzzFinding("an address that is not one: \(a.prefix(80))")
            }
        }
        if m.key.count != 24 || !m.key.allSatisfy(\.isHexDigit) { throw FuzzFinding("a key that is not 24 hex digits") }
        if m.repliesTo.contains(where: { $0.count != 24 }) { throw FuzzFinding("a reply key that is not 24 hex digits") }
    }

    static func config(_ text: String) throws(FuzzFinding) {
        do { _ = try ConfigurationLoader.parse(text, path: "fuzz.yaml") } catch {
            try locatedDiagnostics(error)
        }
    }

    static func locatedDiagnostics(_ error: ConfigurationError) throws(FuzzFinding) {
        if error.diagnostics.isEmpty { throw FuzzFinding("a configuration error without a diagnostic") }
        for d in error.diagnostics where d.line < 1 || d.column < 1 || d.file.isEmpty || d.message.isEmpty {
            throw FuzzFinding("an unlocated configuration error: \(d)")
        }
    }

    static func ics(_ text: String) throws(FuzzFinding) {
        let result = ICalendarHolidays.parse(text)
        switch result {
        case .success(let days):
            for (date, _) in days where !(1...9999).contains(date.year) { throw FuzzFinding("a holiday in year \(date.year)") }
        case .failure(let problem):
            if problem.line < 1 || problem.message.isEmpty { throw FuzzFinding("an unlocated .ics problem: \(problem)") }
        }
        // The same calendar with CRLF line ends (the standard's) reads the same.
        guard !text.unicodeScalars.contains("\r") else { return }
        let crlf = ICalendarHolidays.parse(text.replacingOccurrences(of: "\n", with: "\r\n"))
        switch (result, crlf) {
        case (.success(let a), .success(let b)) where a.map(\.0) == b.map(\.0) && a.map(\.1.name) == b.map(\.1.name): return
        case (.failure(let a), .failure(let b)) where a.line == b.line: return
        default: throw FuzzFinding("the calendar reads differently with CRLF line ends")
        }
    }

    static func importJSON(_ bytes: [UInt8]) throws(FuzzFinding) {
        let (_, problems) = ImportReader.readJSON(Data(bytes), file: "fuzz.json")
        try locatedImportProblems(problems, file: "fuzz.json")
    }

    static func importCSV(_ bytes: [UInt8]) throws(FuzzFinding) {
        guard let first = bytes.first else { return }
        let table = ImportReader.csvTables[Int(first) % ImportReader.csvTables.count]
        let text = String(decoding: bytes.dropFirst(), as: UTF8.self)
        let (_, problems) = ImportReader.readCSV(text, table: table, file: "fuzz.csv")
        try locatedImportProblems(problems, file: "fuzz.csv")
    }

    static func locatedImportProblems(_ problems: [ImportProblem], file: String) throws(FuzzFinding) {
        for p in problems where !p.path.hasPrefix(file) || p.message.isEmpty {
            throw FuzzFinding("an import problem that does not name its place: \(p)")
        }
    }

    static func time(_ text: String) throws(FuzzFinding) {
        if let instant = RFC3339.parse(text), RFC3339.parse(instant.rfc3339) != instant {
            throw FuzzFinding("RFC 3339 '\(text)' does not survive a round trip (\(instant.rfc3339))")
        }
        if let period = Period(parsing: text), Period(parsing: period.description) != period {
            throw FuzzFinding("period '\(text)' does not survive a round trip (\(period))")
        }
        // A duration as the configuration reads it, in a flow and in a quoted scalar.
        let escaped = text.unicodeScalars.map { $0.value < 0x20 || $0 == "\"" || $0 == "\\" ? " " : String($0) }.joined()
        let config: Configuration
        do { config = try ConfigurationLoader.parse("poll: { interval: \"\(escaped)\" }\n", path: "fuzz.yaml") } catch {
            return try locatedDiagnostics(error)
        }
        if config.poll.interval < 1 { throw FuzzFinding("a poll interval of \(config.poll.interval)s from '\(text)'") }
    }

    static func template(_ text: String) throws(FuzzFinding) {
        for name in ["default.text", "default.subject", "default.html", "digest.text", "p.stage1.text"] {
            for problem in TemplateCatalog.problems(in: text, name: name, stages: ["p": 2], path: "fuzz.mustache")
            where problem.line < 1 || problem.column < 1 || problem.message.isEmpty {
                throw FuzzFinding("an unlocated template problem: \(problem)")
            }
        }
    }
}

/// A promise a parser broke on some input.
public struct FuzzFinding: Error, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}
