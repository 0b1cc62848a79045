import ArgumentParser
import Foundation
import Systemd
import TicklerClio
import TicklerConfig
import TicklerCore
import TicklerStore

/// `tickler sync`: follow the firm's practice-management system.
struct SyncCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sync", abstract: "Bring the firm's practice-management records into the case tables.", subcommands: [SyncClio.self])
}

/// `tickler sync clio --once`: every user, matter (with its client), calendar entry, task and logged call or
/// email of the Clio account in `sync.clio`, page by page, each page written in one transaction through the
/// store's writer (rows upserted by id, so the daemon sees them through its change feed). A record that
/// cannot be mapped is skipped with one warning naming its model, id and why.
struct SyncClio: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "clio",
        abstract: "Read the Clio account's records into the case tables.",
        discussion: """
            With --once: one pass over every record, then exit (for a systemd timer). The secrets named by \
            sync.clio are read from $CREDENTIALS_DIRECTORY (or --credentials-directory).
            """)

    @OptionGroup var options: CommonOptions

    @Flag(help: "One pass over every record, then exit.")
    var once = false

    @Option(help: "Where the credentials are (default: $CREDENTIALS_DIRECTORY).")
    var credentialsDirectory: String?

    func validate() throws {
        if !once { throw ValidationError("only --once is available: run it from a timer (the service with webhooks comes next)") }
    }

    /// The fields asked for, per model: what the mapping reads, nothing more.
    static let models: [(name: String, fields: String)] = [
        ("users", "id,name,email,enabled,subscription_type,updated_at"),
        ("matters", "id,display_number,description,status,open_date,close_date,"
            + "client{id,name,primary_email_address,primary_phone_number},practice_area{id,name},responsible_attorney{id},"
            + "responsible_staff{id},matter_stage{id,name},updated_at"),
        ("calendar_entries", "id,summary,start_at,all_day,location,matter{id},attendees{id,type},court_rule{id},updated_at"),
        ("tasks", "id,name,status,due_at,completed_at,statute_of_limitations,matter{id},updated_at"),
        ("communications", "id,type,received_at,matter{id},senders{id,type},receivers{id,type},updated_at"),
    ]

    func run() async throws {
        let config = try options.loadConfiguration()
        guard let clio = config.clio else { throw CommandFailure.invalid("error: \(config.path) has no sync.clio") }
        let credentials = Credentials(directory: credentialsDirectory ?? ProcessInfo.processInfo.environment["CREDENTIALS_DIRECTORY"])
        var secrets: [String] = []
        var problems: [Diagnostic] = []
        for ref in [clio.clientSecretCredential, clio.refreshTokenCredential] {
            do {
                let value = try credentials.secret(ref.name)
                if value.isEmpty { problems.append(ref.location.error("credential '\(ref.name)' of sync.clio is empty")) }
                secrets.append(value)
            } catch {
                problems.append(ref.location.error("\(error) (sync.clio)"))
            }
        }
        if !problems.isEmpty { throw CommandFailure.invalid(ConfigurationError(diagnostics: problems).description) }
        guard let mapping = ClioMapping(defaults: .init(language: clio.language, timeZone: clio.timeZone)) else {
            throw CommandFailure.invalid("error: sync.clio's time zone '\(clio.timeZone)' is not a time zone")
        }
        let store = try await options.openStore(config, create: true)
        let api = ClioAPI(account: .init(apiURL: clio.apiURL, tokenURL: clio.tokenURL, clientID: clio.clientID, clientSecret: secrets[0],
                                         refreshToken: secrets[1]))
        var written = 0
        var skipped = 0
        do {
            for model in Self.models {
                try await Self.pages(of: model, from: api, mapping: mapping) { batch in
                    for s in batch.skipped { Output.error("warning: \(s)") }
                    skipped += batch.skipped.count
                    guard batch.count > 0 else { return }
                    try await store.write(batch.batch, now: SystemClock().now)
                    written += batch.count
                }
            }
        } catch let failure as ClioAPI.Failure {
            throw CommandFailure.unavailable("error: \(failure)")
        }
        let requests = await api.requests
        Output.standard.write(Array("synced \(written) records from Clio in \(requests) requests; \(skipped) skipped\n".utf8))
    }

    /// Each page of `model` as a batch of rows.
    static func pages(of model: (name: String, fields: String), from api: ClioAPI, mapping: ClioMapping,
                      _ body: (ClioBatch) async throws -> Void) async throws {
        func each<R: Decodable & Sendable>(_ type: R.Type, _ add: (inout ClioBatch, [R]) -> Void) async throws {
            var next: String?
            repeat {
                let page = try await api.page(model.name, fields: model.fields, at: next, as: R.self)
                var batch = ClioBatch(mapping: mapping)
                add(&batch, page.data)
                try await body(batch)
                next = page.next
            } while next != nil
        }
        switch model.name {
        case "users": try await each(Clio.User.self) { $0.add(users: $1) }
        case "matters": try await each(Clio.Matter.self) { $0.add(matters: $1) }
        case "calendar_entries": try await each(Clio.CalendarEntry.self) { $0.add(calendarEntries: $1) }
        case "tasks": try await each(Clio.Task.self) { $0.add(tasks: $1) }
        default: try await each(Clio.Communication.self) { $0.add(communications: $1) }
        }
    }
}
