import ArgumentParser
import Foundation
import TicklerCore
import TicklerPostgres
import TicklerStore

/// `tickler migrate-store --from FILE`: copies a SQLite store into the PostgreSQL store the configuration
/// (or `--store`) names: the case tables, the ledger (so nothing recorded fires again), the holds, the staff
/// tasks and the court closures, in one transaction. Stop ticklerd on the SQLite store first and let it deliver what it queued (`ticklerd
/// --once`): queued deliveries and the outbox are not copied.
struct MigrateStore: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "migrate-store", abstract: "Copy a SQLite store into the configured PostgreSQL store.")

    @OptionGroup var options: CommonOptions

    @Option(help: "The SQLite store file to copy from.")
    var from: String

    func run() async throws {
        let config = try options.loadConfiguration()
        let source: SQLiteCaseStore
        do { source = try SQLiteCaseStore(path: from, create: false) } catch { throw CommandFailure.unavailable("error: \(error.message)") }
        let opened = try await options.openStore(config, create: true)
        guard let target = opened as? PostgresCaseStore else {
            throw CommandFailure.usage("error: migrate-store copies into a PostgreSQL store; the configuration (or --store) names \(opened.displayName)")
        }
        do {
            let copied = try await StoreMigration(from: source, to: target).run()
            Output.standard.line("copied \(copied.cases) cases, \(copied.people) people, \(copied.records) records, "
                + "\(copied.ledger) ledger entries, \(copied.holds) holds, \(copied.staffTasks) staff tasks and \(copied.closures) court closures "
                + "from \(from) to \(target.displayName)")
            if !copied.skipped.isEmpty { warn(copied.skipped) }
        } catch {
            throw CommandFailure.unavailable("error: the copy failed and nothing was written: \(PostgresCaseStore.describe(error))")
        }
        await target.close()
    }
}
