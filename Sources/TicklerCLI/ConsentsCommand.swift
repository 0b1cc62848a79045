import ArgumentParser
import Foundation
import TicklerConfig
import TicklerCore
import TicklerStore

/// `tickler consents CONTACT`: the contact's consent ledger, oldest first, and what is in force; with
/// `--grant` or `--revoke`, records an entry first (channel, purpose, where it came from, the words shown).
/// `tickler consents CASE` (its id or number): the same for each contact of the case. Anything else is an
/// error (exit 1): an unknown contact has no consents to show.
struct ConsentsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "consents", abstract: "List a client contact's consents, or record one.",
        discussion: """
            Without consent for a purpose on a channel, no client message of that purpose goes by it. Entries are
            only added: the latest for each channel and purpose is in force.
            """)

    @OptionGroup var options: CommonOptions
    @Argument(help: "The contact's id, or a case's id or number (its contacts).") var contact: String
    @Flag(help: "Record that the contact consents.") var grant = false
    @Flag(help: "Record that the contact withdraws consent.") var revoke = false
    @Option(help: "email or sms.") var channel: String?
    @Option(help: "case-updates, reminders or surveys (several: repeat the option).") var purpose: [String] = []
    @Option(help: "Where the consent comes from (an intake form, a call...).") var source: String?
    @Option(help: "The words the contact was shown or told.") var wording: String = ""
    @Option(help: ArgumentHelp("Act as of this time (tests).", visibility: .hidden)) var at: String?

    func run() async throws {
        let config = try options.loadConfiguration()
        let store = try await options.openStore(config)
        let now = try TimeArgument.parse(at ?? "now", option: "--at", zone: config.defaultCalendar.zone, now: TimeArgument.wallClock)
        guard try await !store.existingContacts(among: [contact]).isEmpty else {
            // A case: each of its contacts (listing only).
            let caseID: String
            do { caseID = try await CaseArgument.resolve(contact, in: store) } catch {
                throw CommandFailure.invalid("error: no contact '\(contact)' in the store, and no case by that id or number")
            }
            if grant || revoke { throw CommandFailure.usage("error: --grant and --revoke take a contact, not case '\(contact)'") }
            let c = try await store.snapshot(caseIDs: [caseID], detail: .full, people: false).cases.first
            let ids = c.map { $0.contacts.isEmpty ? ($0.clientEmail == nil ? [] : [$0.implicitContactID]) : $0.contacts.map(\.id) } ?? []
            if ids.isEmpty { Output.standard.line("case \(c?.number ?? caseID) has no contacts") }
            for id in ids { try await list(id, store: store, zone: config.defaultCalendar.zone) }
            return
        }
        if grant || revoke {
            guard grant != revoke else { throw CommandFailure.usage("error: --grant or --revoke, not both") }
            guard let c = channel, let medium = Contact.Medium(rawValue: c) else {
                throw CommandFailure.usage("error: --channel must be email or sms")
            }
            let purposes = try purpose.map { p -> MessagePurpose in
                guard let v = MessagePurpose(rawValue: p) else {
                    throw CommandFailure.usage("error: --purpose must be case-updates, reminders or surveys")
                }
                return v
            }
            guard !purposes.isEmpty else { throw CommandFailure.usage("error: --purpose is required") }
            guard let source, !source.trimmingCharacters(in: .whitespaces).isEmpty else {
                throw CommandFailure.usage("error: --source must say where the consent comes from")
            }
            let entries = purposes.map {
                ConsentRecord(contactID: contact, medium: medium, purpose: $0, granted: grant, source: "\(source) (by \(Invoker.userName))",
                              at: now, wording: wording)
            }
            try await store.record(consents: entries, now: now)
        }
        try await list(contact, store: store, zone: config.defaultCalendar.zone)
    }

    private func list(_ contact: String, store: any FirmStore, zone: ZoneRules) async throws {
        let entries = try await store.consents(of: [contact])
        for e in entries {
            Output.standard.line("\(zone.format(e.at))  \(e.granted ? "granted" : "revoked")  \(e.medium.rawValue)  \(e.purpose.rawValue)  "
                + "\(e.source)\(e.wording.isEmpty ? "" : "  \"\(e.wording)\"")")
        }
        let book = ConsentBook(entries)
        var inForce: [String] = []
        for m in Contact.Medium.allCases {
            let allowed = MessagePurpose.allCases.filter { book.allows(contact, m, $0) }.map(\.rawValue)
            inForce.append("\(m.rawValue): \(allowed.isEmpty ? "none" : allowed.joined(separator: ", "))")
        }
        Output.standard.line("in force for \(contact): " + inForce.joined(separator: "; "))
    }
}
