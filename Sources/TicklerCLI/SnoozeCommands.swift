import ArgumentParser
import Foundation
import TicklerConfig
import TicklerCore
import TicklerStore

/// `tickler snooze CASE [--policy P] --until T --reason TEXT`: defers a case's fires (one policy or all)
/// until T; they fire then, not dropped. A cycle counting down to a deadline or an appointment cannot be
/// snoozed past its last `before:` stage.
struct SnoozeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "snooze", abstract: "Defer a case's fires until a time.")

    @OptionGroup var options: CommonOptions
    @Argument(help: "The case id.") var caseID: String
    @Option(help: "Only this policy's fires (default: all).") var policy: String?
    @Option(help: "Until when: RFC 3339, a date, or now+Nd / now+Nh.") var until: String
    @Option(help: "Why (recorded with who snoozed it).") var reason: String
    @Option(help: ArgumentHelp("Act as of this time (tests).", visibility: .hidden)) var at: String?

    func run() async throws {
        let config = try options.loadConfiguration()
        let store = try await options.openStore(config)
        let now = try TimeArgument.parse(at ?? "now", option: "--at", zone: config.defaultCalendar.zone, now: TimeArgument.wallClock)
        let end = try TimeArgument.parse(until, option: "--until", zone: config.defaultCalendar.zone, now: now)
        guard !reason.trimmingCharacters(in: .whitespaces).isEmpty else { throw CommandFailure.invalid("error: --reason must say why") }
        guard end > now else { throw CommandFailure.invalid("error: --until \(config.defaultCalendar.zone.format(end)) is not in the future") }
        if let policy, !config.policies.contains(where: { $0.id == policy }) {
            throw CommandFailure.invalid("error: no policy '\(policy)'")
        }
        let c = try await HoldBounds.loadCase(caseID, store: store, config: config)
        if let limit = HoldBounds.tightest(c, config: config, policy: policy, now: now), end > limit.at {
            throw CommandFailure.invalid("error: cannot snooze case \(c.number) past \(limit.describe(config)); "
                + "snooze until then at the latest, or resolve the \(limit.subject.kind.rawValue)")
        }
        let id = try await store.snooze(caseID: caseID, policy: policy, until: end, reason: reason, by: Invoker.userName, now: now)
        Output.standard.line("snooze \(id): case \(c.number)\(policy.map { " (\($0))" } ?? "") held until "
            + "\(config.defaultCalendar.zone.format(end)) by \(Invoker.userName): \(reason)")
    }
}

/// `tickler snoozes [--case ID] [--all]`: the snoozes and acks in force (or all, ended ones too).
struct SnoozesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "snoozes", abstract: "List snoozes and acks.")

    @OptionGroup var options: CommonOptions
    @Option(name: .customLong("case"), help: "Only this case.") var caseID: String?
    @Flag(help: "Include ended and run-out ones.") var all = false
    @Option(help: "Output format: table or json.") var format = "table"
    @Option(help: ArgumentHelp("Act as of this time (tests).", visibility: .hidden)) var at: String?

    func run() async throws {
        guard ["table", "json"].contains(format) else { throw CommandFailure.usage("--format must be table or json") }
        let config = try options.loadConfiguration()
        let store = try await options.openStore(config)
        let zone = config.defaultCalendar.zone
        let now = try TimeArgument.parse(at ?? "now", option: "--at", zone: zone, now: TimeArgument.wallClock)
        let holds = try await store.holds(caseID: caseID, now: now, all: all)
        if format == "json" {
            for h in holds {
                var o: [String: Any] = ["id": h.id, "kind": h.kind.rawValue, "case": h.caseID, "until": h.until.rfc3339,
                                        "reason": h.reason, "by": h.createdBy, "created_at": h.createdAt.rfc3339]
                o["policy"] = h.policy ?? NSNull()
                if let s = h.subject { o["subject"] = s }
                if let f = h.fireID { o["fire_id"] = f }
                if let e = h.endedAt { o["ended_at"] = e.rfc3339 }
                Output.standard.line(try JSONLine.encode(o))
            }
            return
        }
        if holds.isEmpty { return Output.standard.line("no snoozes or acks in force") }
        for h in holds {
            let scope = h.subject.map { "\(h.policy ?? "") \($0)" } ?? (h.policy ?? "all policies")
            let state = h.endedAt.map { " (ended \(zone.format($0)))" } ?? (h.until <= now ? " (ran out)" : "")
            Output.standard.line("\(h.id)\t\(h.kind.rawValue)\t\(h.caseID)\t\(scope)\tuntil \(zone.format(h.until))\(state)\t"
                + "\(h.createdBy): \(h.reason)")
        }
    }
}

/// `tickler unsnooze ID`: ends a snooze or an ack now; the daemon evaluates the case at its next tick.
struct UnsnoozeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "unsnooze", abstract: "End a snooze or an ack now.")

    @OptionGroup var options: CommonOptions
    @Argument(help: "The id `tickler snoozes` shows.") var id: Int64
    @Option(help: ArgumentHelp("Act as of this time (tests).", visibility: .hidden)) var at: String?

    func run() async throws {
        let config = try options.loadConfiguration()
        let store = try await options.openStore(config)
        let now = try TimeArgument.parse(at ?? "now", option: "--at", zone: config.defaultCalendar.zone, now: TimeArgument.wallClock)
        guard try await store.endHold(id: id, now: now) else {
            throw CommandFailure.invalid("error: no snooze or ack \(id) in force")
        }
        Output.standard.line("ended \(id)")
    }
}
