import ArgumentParser
import Foundation
import TicklerConfig
import TicklerCore
import TicklerStore

/// `tickler import FILE…`: one transaction; any invalid record rejects the whole import. A phone system's
/// call log (`{"calls": […]}`) is imported as calls: missed ones unanswered on the caller's open cases,
/// answered ones and connected calls back answering them.
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
        let logs = files.filter { $0.lowercased().hasSuffix(".json") && FileManager.default.contents(atPath: $0).map(CallLogReader.isCallLog) == true }
        if !logs.isEmpty {
            guard logs.count == files.count else {
                throw CommandFailure.invalid("error: a call log (\(logs[0])) is imported on its own, not with case files")
            }
            return try await importCalls(config)
        }
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

extension Import {
    /// The call logs, read whole (every problem listed), then written in one transaction as the voice
    /// callbacks are: each call on the open cases of the contacts with its number. A call log imported again
    /// changes nothing.
    func importCalls(_ config: Configuration?) async throws {
        var calls: [CallLogReader.Call] = []
        var problems: [ImportProblem] = []
        for file in files {
            guard let data = FileManager.default.contents(atPath: file) else {
                problems.append(ImportProblem(path: file, message: "cannot read the file"))
                continue
            }
            let (c, p) = CallLogReader.read(data, file: file)
            calls += c
            problems += p
        }
        if !problems.isEmpty {
            for p in problems { Output.error(p.description) }
            throw CommandFailure.invalid("import rejected: \(problems.count) problem(s); nothing was written")
        }
        let store = try await options.openStore(config, create: true)
        let now = TimeArgument.wallClock
        var effects = InboundEffects(messageID: "calllog:" + SHA256.hex(calls.map { "\($0.id)@\($0.at.seconds)" }.joined(separator: ",")),
                                     route: "call-log", receivedAt: now)
        var recorded = 0, unmatched = 0
        do {
            for call in calls.sorted(by: { $0.at < $1.at }) {
                guard let kind = call.kind else { continue }
                let open = try await store.contacts(phone: call.number).filter(\.caseOpen)
                if open.isEmpty { unmatched += 1 }
                let r = PhoneCall.records(kind, call: "log-" + call.id, at: call.at, contacts: open.map { ($0.caseID, $0.contact.id) })
                effects.communications += r.communications.map { CaseRecord(caseID: $0.caseID, $0.communication) }
                effects.callAnswers += r.answers
                recorded += r.communications.isEmpty ? 0 : 1
            }
            _ = try await store.apply(effects, now: now)
        } catch {
            throw CommandFailure.unavailable("error: the store could not be written: \(error)")
        }
        Output.standard.line("imported \(calls.count) calls: \(recorded) on cases, \(unmatched) from or to no open case's contact, "
            + "\(calls.count - recorded - unmatched) not recorded (calls back that did not connect)")
    }
}
