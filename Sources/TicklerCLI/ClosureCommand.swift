import ArgumentParser
import Foundation
import TicklerConfig
import TicklerCore
import TicklerStore

/// `tickler closure add|list|remove`: days a court was closed (by order, weather, an outage), recorded in
/// the store. Adding or removing one lists every pending computed deadline it moves; `ticklerd` re-plans
/// their reminders at its next tick and journals each move once.
struct ClosureCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "closure", abstract: "Record, list or remove a day a court was closed.",
        subcommands: [ClosureAdd.self, ClosureList.self, ClosureRemove.self])
}

/// What a closure's change moves, printed as `calendar-impact` prints it.
enum ClosureImpact {
    static func report(config: Configuration, store: any FirmStore, before: [String: [CourtClosure]], after: [String: [CourtClosure]],
                       now: Instant) async throws {
        let snapshot: StoreSnapshot
        do { snapshot = try await store.snapshot(caseIDs: nil, detail: .evaluation, people: false) } catch {
            throw CommandFailure.unavailable("error: cannot read the store: \(error)")
        }
        warn(snapshot.badRows)
        let moves = DeadlineImpact.moves(cases: snapshot.cases, old: config.withClosures(before).deadlineRuleSet,
                                         new: config.withClosures(after).deadlineRuleSet, now: now)
        let zone = config.calendars["court"]?.zone ?? config.defaultCalendar.zone
        for m in moves {
            Output.standard.line("\(m.caseNumber)  \(m.subject)  \(m.from.map(zone.format) ?? "(none)") → \(m.to.map(zone.format) ?? "(none)")  \(m.direction)")
        }
        Output.standard.line("\(moves.count) pending computed deadline\(moves.count == 1 ? "" : "s") moved")
    }

    /// The court `id` as the configuration knows it, or a usage error naming the courts.
    static func court(_ id: String, _ config: Configuration) throws -> Court {
        let found: Court?
        do { found = try config.courts.court(id) } catch { throw CommandFailure.invalid(error.description) }
        guard let c = found else {
            throw CommandFailure.usage("--court: no court '\(id)'; the courts are \(config.courts.courtIDs.joined(separator: ", "))")
        }
        return c
    }

    static func date(_ text: String) throws -> LocalDate {
        guard let d = LocalDate(iso8601: text) else { throw CommandFailure.usage("--date must be a date, YYYY-MM-DD") }
        return d
    }
}

struct ClosureAdd: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "add", abstract: "Record a day a court was closed.")

    @OptionGroup var options: CommonOptions
    @Option(help: "The court (a court file's id).") var court: String
    @Option(help: "The day it was closed, YYYY-MM-DD.") var date: String
    @Option(help: "Why (an order, the weather, an outage).") var reason: String
    @Option(help: "Where it is announced: a URL or an order's number.") var source: String
    @Option(help: ArgumentHelp("Act as of this time (tests).", visibility: .hidden)) var at: String?

    func run() async throws {
        let config = try options.loadConfiguration()
        let court = try ClosureImpact.court(court, config)
        let day = try ClosureImpact.date(date)
        guard !reason.trimmingCharacters(in: .whitespaces).isEmpty else { throw CommandFailure.usage("--reason must say why") }
        guard !source.trimmingCharacters(in: .whitespaces).isEmpty else { throw CommandFailure.usage("--source must say where it is announced") }
        let store = try await options.openStore(config)
        let now = try TimeArgument.parse(at ?? "now", option: "--at", zone: court.zone, now: TimeArgument.wallClock)
        let before = try await store.courtClosures()
        let new = try await store.addCourtClosure(court: court.id, CourtClosure(date: day, reason: reason, source: source), now: now)
        Output.standard.line("\(new ? "recorded" : "updated") closure of \(court.id) on \(day.iso8601): \(reason) (\(source))")
        try await ClosureImpact.report(config: config, store: store, before: before, after: try await store.courtClosures(), now: now)
    }
}

struct ClosureRemove: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "remove", abstract: "Remove a recorded closure.")

    @OptionGroup var options: CommonOptions
    @Option(help: "The court (a court file's id).") var court: String
    @Option(help: "The day, YYYY-MM-DD.") var date: String
    @Option(help: ArgumentHelp("Act as of this time (tests).", visibility: .hidden)) var at: String?

    func run() async throws {
        let config = try options.loadConfiguration()
        let day = try ClosureImpact.date(date)
        let store = try await options.openStore(config)
        let now = try TimeArgument.parse(at ?? "now", option: "--at", zone: config.defaultCalendar.zone, now: TimeArgument.wallClock)
        let before = try await store.courtClosures()
        guard try await store.removeCourtClosure(court: court, date: day) else {
            throw CommandFailure.invalid("error: no closure of \(court) on \(day.iso8601) is recorded")
        }
        Output.standard.line("removed the closure of \(court) on \(day.iso8601)")
        try await ClosureImpact.report(config: config, store: store, before: before, after: try await store.courtClosures(), now: now)
    }
}

struct ClosureList: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List the recorded closures.")

    @OptionGroup var options: CommonOptions
    @Option(help: "Only this court.") var court: String?
    @Option(help: "Output format: text or json.") var format = "text"

    func run() async throws {
        guard ["text", "json"].contains(format) else { throw CommandFailure.usage("--format must be text or json") }
        let config = try options.loadConfiguration()
        let store = try await options.openStore(config)
        for (id, days) in try await store.courtClosures().sorted(by: { $0.key < $1.key }) where court == nil || court == id {
            for c in days {
                if format == "json" {
                    Output.standard.line(try JSONLine.encode(["court": id, "date": c.date.iso8601, "reason": c.reason, "source": c.source]))
                } else {
                    Output.standard.line("\(id)  \(c.date.iso8601)  \(c.reason)  (\(c.source))")
                }
            }
        }
    }
}
