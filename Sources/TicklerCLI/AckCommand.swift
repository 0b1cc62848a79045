import ArgumentParser
import Foundation
import TicklerConfig
import TicklerCore
import TicklerStore

/// `tickler ack FIRE_ID --reason TEXT`: someone is on it. The later stages of that fire's cycle wait for
/// the policy's `ack_holds` (default 1 business day), never past a deadline cycle's last `before:` stage.
/// Nobody acknowledges an escalation about their own follow-up.
struct AckCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "ack", abstract: "Acknowledge a fire: hold its cycle's next stages.")

    @OptionGroup var options: CommonOptions
    @Argument(help: "The fire id (journal field TICKLER_FIRE_ID, or `tickler history`).") var fireID: String
    @Option(help: "Why (recorded with who acknowledged it).") var reason: String
    @Option(name: .customLong("as"), help: "The person of the directory acknowledging (default: the one matching the user name).")
    var person: String?
    @Option(help: ArgumentHelp("Act as of this time (tests).", visibility: .hidden)) var at: String?

    func run() async throws {
        let config = try options.loadConfiguration()
        let store = try await options.openStore(config)
        let now = try TimeArgument.parse(at ?? "now", option: "--at", zone: config.defaultCalendar.zone, now: TimeArgument.wallClock)
        guard !reason.trimmingCharacters(in: .whitespaces).isEmpty else { throw CommandFailure.invalid("error: --reason must say why") }
        guard let fire = try await store.ledgerEntry(fireID: fireID), fire.outcome == .fired else {
            throw CommandFailure.invalid("error: no fire '\(fireID)' in the ledger")
        }
        guard let policy = config.policies.first(where: { $0.id == fire.key.cycle.policy }) else {
            throw CommandFailure.invalid("error: fire \(fireID) is of policy '\(fire.key.cycle.policy)', which the configuration no longer has")
        }
        let c = try await HoldBounds.loadCase(fire.caseID, store: store, config: config)
        let people = try await store.snapshot(caseIDs: [], detail: .evaluation, people: true).people
        if fire.action == .escalate, let me = Invoker.person(person, in: people) {
            let about = Self.peopleAbout(fire, policy: policy, case: c, staff: Staff(people))
            if about.contains(me.id) {
                throw CommandFailure.invalid("error: \(me.id) cannot acknowledge escalation \(fireID): it is about their own "
                    + "follow-up on case \(c.number); one of its recipients (\(fire.recipients.joined(separator: ", "))) can")
            }
        }
        var until = policy.ackHold(from: now)
        var note = ""
        if let limit = HoldBounds.tightest(c, config: config, policy: policy.id, now: now, subject: fire.key.cycle.subject),
           until > limit.at {
            until = limit.at
            note = " (no later: \(limit.describe(config)))"
        }
        guard until > now else {
            throw CommandFailure.invalid("error: nothing to hold: the cycle's last stage before its deadline is due now")
        }
        let id = try await store.ack(fire, until: until, reason: reason, by: Invoker.userName, now: now)
        Output.standard.line("ack \(id): \(policy.id) \(fire.key.cycle.subject) on case \(c.number) held until "
            + "\(policy.calendar.zone.format(until))\(note) by \(Invoker.userName): \(reason)")
    }

    /// Whose follow-up an escalation is about: the case's assignee and everyone the cycle's earlier
    /// reminders went to (even when the escalation also names them).
    static func peopleAbout(_ fire: LedgerEntry, policy: Policy, case c: CaseSnapshot, staff: Staff) -> Set<String> {
        var about = Set<String>()
        if let a = c.assigneeID { about.insert(a) }
        for stage in policy.stages where stage.number < fire.key.step.stage && stage.action == .remind {
            for r in stage.notify { about.formUnion(r.resolve(for: c, staff: staff)) }
        }
        return about
    }
}
