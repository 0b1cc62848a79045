import ArgumentParser
import Foundation
import TicklerConfig
import TicklerCore
import TicklerStore

/// `tickler deadline`: computes one court deadline by hand, with every day counted or skipped and why:
/// the check a lawyer can run against the rule book.
struct DeadlineCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "deadline",
        abstract: "Compute a deadline from a trigger by a court's rules and explain it.",
        discussion: """
            With --court, the court's file (config/courts/COURT.yaml, or the configuration's courts: directory)
            gives the counting method (frcp-6a, frap-26a, frbp-9006a, ca-ccp, ny-gcl, tx-trcp), the time zone,
            the holidays and the closures; --from-court names the court below for an appeal (Fed. R. App. P.
            26(a)(6)(C)). Without it, a configured calendar is counted by Fed. R. Civ. P. 6(a). Where the rule
            is unsettled, every reading is computed, the earliest is used and the latest is reported as the
            alternative.
            """)

    @OptionGroup var options: CommonOptions

    @Option(help: "The court (us-sdny, ca-superior, ny-supreme, ...): its method, zone, holidays and closures.")
    var court: String?

    @Option(name: .customLong("from-court"), help: "For an appeal: the court that entered the judgment.")
    var fromCourt: String?

    @Option(help: "Without --court: the calendar (default: court, else the configuration's default calendar).")
    var calendar: String?

    @Option(help: "Without --court: the counting method (frcp-6a).")
    var counting: String?

    @Option(help: "The trigger: a date (that day in the court's zone), an RFC 3339 instant, or now.")
    var trigger: String

    @Option(help: "The period: N days, N court days or N hours, optionally followed by 'before'.")
    var period: String

    @Option(help: "How the triggering paper was served: personal, electronic, mail, mail-out-of-state, mail-out-of-country, overnight, fax or other.")
    var service: String?

    @Option(name: .customLong("mail-days"), help: "Without --court: days Rule 6(d) adds after service by mail.")
    var mailDays = 3

    @Option(help: "Output format: text or json.")
    var format = "text"

    func run() async throws {
        guard ["text", "json"].contains(format) else { throw CommandFailure.usage("--format must be text or json") }
        guard (0...30).contains(mailDays) else { throw CommandFailure.usage("--mail-days must be from 0 to 30") }
        guard let period = CourtPeriod(parsing: self.period) else {
            throw CommandFailure.usage("--period must be N days, N court days or N hours, optionally followed by 'before' (\"14 days before\")")
        }
        var method: TriggerEvent.ServiceMethod?
        if let service {
            guard let m = TriggerEvent.ServiceMethod(rawValue: service) else {
                throw CommandFailure.usage("--service must be \(TriggerEvent.ServiceMethod.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            method = m
        }
        if let court {
            guard calendar == nil, counting == nil else { throw CommandFailure.usage("--court sets the calendar and the counting method: leave out --calendar and --counting") }
            return try await run(court: court, period: period, service: method)
        }
        guard fromCourt == nil else { throw CommandFailure.usage("--from-court goes with --court") }
        let counting = self.counting ?? DeadlineRule.Counting.frcp6a.rawValue
        guard DeadlineRule.Counting(rawValue: counting) != nil else {
            throw CommandFailure.usage("--counting must be \(DeadlineRule.Counting.allCases.map(\.rawValue).joined(separator: ", ")) (other methods: --court)")
        }
        let config = try options.loadConfiguration()
        let cal: BusinessCalendar
        if let name = calendar {
            guard let c = config.calendars[name] else {
                throw CommandFailure.invalid("no calendar '\(name)'; the configuration has \(config.calendars.keys.sorted().joined(separator: ", "))")
            }
            cal = c
        } else {
            cal = config.calendars["court"] ?? config.defaultCalendar
        }
        let at = try TimeArgument.parse(trigger, option: "--trigger", zone: cal.zone, now: TimeArgument.wallClock)
        let result = FRCP6a.compute(trigger: at, period: period, calendar: cal, mailDays: method?.isMail == true ? mailDays : 0)
        var object: [String: Any] = ["counting": counting, "calendar": cal.name]
        if let method { object["service"] = method.rawValue }
        try print(result, trigger: at, period: period, extra: object)
    }

    /// `--court`: the court's file decides everything.
    private func run(court id: String, period: CourtPeriod, service: TriggerEvent.ServiceMethod?) async throws {
        // The configuration (when there is one) may add courts of the firm's own, and its store the closures
        // recorded with `tickler closure add`.
        var firmCourts: String?
        var recorded: [String: [CourtClosure]] = [:]
        if FileManager.default.fileExists(atPath: options.config) {
            let config = try options.loadConfiguration()
            firmCourts = config.courtsDirectory
            do {
                let store = try await options.openStore(config)
                recorded = try await store.courtClosures()
                await store.shutdown()
            } catch {
                Output.error("warning: the closures recorded in the store are not counted: \(error)")
            }
        } else if options.config != CommonOptions.defaultConfigPath {
            throw CommandFailure.invalid("cannot read the configuration \(options.config)")
        }
        let library = CourtLibrary.standard(firm: firmCourts)
        func load(_ id: String, _ option: String) throws -> Court {
            let found: Court?
            do { found = try library.court(id) } catch { throw CommandFailure.invalid(error.description) }
            guard let c = found else {
                let known = library.courtIDs
                throw CommandFailure.usage("\(option): no court '\(id)'" + (known.isEmpty ? " (no court files found)" : "; the courts are \(known.joined(separator: ", "))"))
            }
            return c
        }
        var court = try load(id, "--court")
        court.closures += recorded[court.id] ?? []
        var below: Court?
        if let from = fromCourt {
            guard court.method == .frap26a else {
                throw CommandFailure.usage("--from-court is for a court of appeals (frap-26a); \(court.id) counts by \(court.method.rawValue)")
            }
            below = try load(from, "--from-court")
        }
        guard period.unit != .hours || court.method.isFederal else {
            throw CommandFailure.usage("--period in hours: \(court.method.title) counts days only")
        }
        let at = try TimeArgument.parse(trigger, option: "--trigger", zone: court.zone, now: TimeArgument.wallClock)
        let result = CourtCount.compute(trigger: at, period: period, method: court.method, days: court.days(appealFrom: below), service: service)
        var object: [String: Any] = ["court": court.id, "court_name": court.name, "counting": court.method.rawValue]
        if let below { object["from_court"] = below.id }
        if let service { object["service"] = service.rawValue }
        try print(result, trigger: at, period: period, extra: object)
    }

    private func print(_ result: CourtDeadline, trigger at: Instant, period: CourtPeriod, extra: [String: Any]) throws {
        if format == "text" {
            Output.standard.line(result.text)
            return
        }
        let zone = result.zone
        var object: [String: Any] = [
            "due": result.due.rfc3339, "due_local": zone.format(result.due), "last_day": result.lastDay.iso8601,
            "trigger": at.rfc3339, "period": period.description, "timezone": zone.identifier,
            "explanation": result.steps.map(\.line), "warnings": result.warnings, "rules": result.rules,
        ]
        object.merge(extra) { _, new in new }
        if let a = result.alternative {
            object["alternative"] = ["due": a.due.rfc3339, "due_local": zone.format(a.due), "last_day": a.lastDay.iso8601,
                                     "reading": a.reading, "explanation": a.steps.map(\.line)] as [String: Any]
        }
        Output.standard.line(try JSONLine.encode(object))
    }
}
