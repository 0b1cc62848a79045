import ArgumentParser
import Foundation
import TicklerConfig
import TicklerCore

/// `tickler deadline`: computes one court deadline by hand, with every day counted or skipped and why:
/// the check a lawyer can run against the rule book.
struct DeadlineCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "deadline",
        abstract: "Compute a deadline from a trigger by court rules (Fed. R. Civ. P. 6(a)) and explain it.",
        discussion: """
            The calendar's weekends and legal holidays end the count; its time zone ends the last day. Where the
            rule is unsettled (a weekday observed in place of a weekend holiday), both readings are computed, the
            earlier is used and the other is reported as the alternative.
            """)

    @OptionGroup var options: CommonOptions

    @Option(help: "The calendar (default: court, else the configuration's default calendar).")
    var calendar: String?

    @Option(help: "The counting method.")
    var counting = "frcp-6a"

    @Option(help: "The trigger: a date (that day in the calendar's zone), an RFC 3339 instant, or now.")
    var trigger: String

    @Option(help: "The period: N days or N hours, optionally followed by 'before'.")
    var period: String

    @Option(help: "How the triggering paper was served: personal, electronic, mail or other.")
    var service: String?

    @Option(name: .customLong("mail-days"), help: "Days Rule 6(d) adds after service by mail.")
    var mailDays = 3

    @Option(help: "Output format: text or json.")
    var format = "text"

    func run() async throws {
        guard ["text", "json"].contains(format) else { throw CommandFailure.usage("--format must be text or json") }
        guard (0...30).contains(mailDays) else { throw CommandFailure.usage("--mail-days must be from 0 to 30") }
        guard DeadlineRule.Counting(rawValue: counting) != nil else {
            throw CommandFailure.usage("--counting must be \(DeadlineRule.Counting.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        guard let period = CourtPeriod(parsing: self.period) else {
            throw CommandFailure.usage("--period must be N days or N hours, optionally followed by 'before' (\"14 days before\")")
        }
        var method: TriggerEvent.ServiceMethod?
        if let service {
            guard let m = TriggerEvent.ServiceMethod(rawValue: service) else {
                throw CommandFailure.usage("--service must be personal, electronic, mail or other")
            }
            method = m
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
        let result = FRCP6a.compute(trigger: at, period: period, calendar: cal, mailDays: method == .mail ? mailDays : 0)
        if format == "text" {
            Output.standard.line(result.text)
            return
        }
        var object: [String: Any] = [
            "due": result.due.rfc3339, "due_local": cal.zone.format(result.due), "last_day": result.lastDay.iso8601,
            "trigger": at.rfc3339, "period": period.description, "counting": counting, "calendar": cal.name,
            "timezone": cal.zone.identifier, "explanation": result.steps.map(\.line), "warnings": result.warnings,
        ]
        if let method { object["service"] = method.rawValue }
        if let a = result.alternative {
            object["alternative"] = ["due": a.due.rfc3339, "due_local": cal.zone.format(a.due), "last_day": a.lastDay.iso8601,
                                     "reading": a.reading, "explanation": a.steps.map(\.line)] as [String: Any]
        }
        Output.standard.line(try JSONLine.encode(object))
    }
}
