import ArgumentParser
import Foundation
import TicklerCore
import TicklerStore

/// `tickler import FILE…`: one transaction; any invalid record rejects the whole import.
struct Import: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Import cases and people from JSON or CSV files, all or nothing.",
        discussion: """
            JSON files follow the interchange format (people, cases with nested communications, deadlines, \
            document_requests, appointments). CSV files hold one flat table each, named after it \
            (cases.csv, communications.csv, ...); child tables carry a case_id column. Records upsert by id.
            """)

    @OptionGroup var options: CommonOptions

    @Option(help: "The table a CSV file holds, when its name does not say.")
    var table: String?

    @Argument(help: "JSON or CSV files to import together.")
    var files: [String]

    func validate() throws {
        if files.isEmpty { throw ValidationError("give at least one file to import") }
        if let t = table, !ImportReader.csvTables.contains(t) {
            throw ValidationError("--table must be one of \(ImportReader.csvTables.joined(separator: ", "))")
        }
    }

    func run() async throws {
        let config = options.store == nil ? try options.loadConfiguration() : nil
        var batch = ImportBatch()
        var problems: [ImportProblem] = []
        // Progress on a terminal only: the files read, then the one transaction that writes them.
        var progress = Progress("reading files", total: files.count)
        for (i, file) in files.enumerated() {
            let (b, p) = ImportReader.read(path: file, table: table)
            batch.append(b)
            problems += p
            progress.update(i + 1)
        }
        progress.finish()
        let store = try await options.openStore(config, create: true)
        let result: Result<Int, ImportRejected>
        if Output.stderrIsTerminal { FileHandle.standardError.write(Data("checking and writing \(batch.recordCount) records…".utf8)) }
        do {
            result = try await Importer(store: store).run(batch, readProblems: problems, now: TimeArgument.wallClock)
        } catch {
            throw CommandFailure.unavailable("error: the store could not be written: \(error)")
        }
        if Output.stderrIsTerminal { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
        switch result {
        case .success(let count):
            Output.standard.line("imported \(count) records: \(batch.people.count) people, \(batch.cases.count) cases, "
                + "\(batch.communications.count) communications, \(batch.deadlines.count) deadlines, "
                + "\(batch.documentRequests.count) document requests, \(batch.appointments.count) appointments, "
                + "\(batch.events.count) events, \(batch.contacts.count) contacts, \(batch.consents.count) consents")
        case .failure(let rejected):
            for p in rejected.problems { Output.error(p.description) }
            throw CommandFailure.invalid("import rejected: \(rejected.problems.count) problem(s); nothing was written")
        }
    }
}
