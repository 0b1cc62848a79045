import ArgumentParser
import Foundation
import TicklerCore
import TicklerStore

/// `tickler demo-data`: a realistic synthetic firm, written as a SQLite store or a JSON import file.
struct DemoData: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo-data",
        abstract: "Generate a synthetic firm (deterministic per seed) for demos and benchmarks.")

    @Option(help: "Number of cases.")
    var cases: Int = 200

    @Option(help: "Random seed.")
    var seed: UInt64 = 1

    @Option(help: "The day the data is current as of (RFC 3339 or a date, UTC); default today.")
    var asOf: String?

    @Option(help: "Output: a .json import file, or a SQLite store file.")
    var out: String

    @Flag(help: "Replace an existing output file.")
    var force = false

    func validate() throws {
        if cases < 0 || cases > 5_000_000 { throw ValidationError("--cases must be from 0 to 5000000") }
    }

    func run() async throws {
        let now = TimeArgument.wallClock
        let reference = try asOf.map { try TimeArgument.parse($0, option: "--as-of", zone: .utc, now: now) }
            ?? Instant(seconds: now.seconds - now.seconds % 86_400)
        let fm = FileManager.default
        if fm.fileExists(atPath: out) {
            guard force else { throw CommandFailure.invalid("error: \(out) exists; pass --force to replace it") }
            for suffix in ["", "-wal", "-shm"] { try? fm.removeItem(atPath: out + suffix) }
        }
        var progress = Progress("generating cases", total: cases)
        let batch = DemoFirm(cases: cases, seed: seed, asOf: reference).generate { progress.update($0) }
        progress.finish()
        if out.lowercased().hasSuffix(".json") {
            guard fm.createFile(atPath: out, contents: Data(DemoJSON.encode(batch).utf8)) else {
                throw CommandFailure.invalid("error: cannot write \(out)")
            }
        } else {
            let store: SQLiteCaseStore
            do { store = try SQLiteCaseStore(path: out, create: true) } catch { throw CommandFailure.unavailable(error.message) }
            do { try await store.write(batch, now: reference) } catch {
                throw CommandFailure.unavailable("error: cannot write the store: \(error)")
            }
        }
        Output.standard.line("wrote \(out): \(batch.people.count) people, \(batch.cases.count) cases, "
            + "\(batch.communications.count) communications, \(batch.deadlines.count) deadlines, "
            + "\(batch.documentRequests.count) document requests, \(batch.appointments.count) appointments "
            + "(seed \(seed), as of \(reference.rfc3339))")
    }
}

/// The interchange JSON of a batch (people, then cases with their children nested).
enum DemoJSON {
    static func encode(_ batch: ImportBatch) -> String {
        let q = JSONText.quote
        func opt(_ s: String?) -> String { s.map(q) ?? "null" }
        func t(_ i: Instant?) -> String { i.map { "\"\($0.rfc3339)\"" } ?? "null" }
        var lines = ["{", "\"people\": ["]
        lines.append(batch.people.map { p in
            let r = p.record
            return "{\"id\": \(q(r.id)), \"name\": \(q(r.name)), \"email\": \(opt(r.email)), \"role\": \(opt(r.role)), "
                + "\"manager_id\": \(opt(r.managerID)), \"active\": \(r.active)}"
        }.joined(separator: ",\n"))
        lines.append("],")
        lines.append("\"cases\": [")
        let comms = Dictionary(grouping: batch.communications, by: \.caseID)
        let deadlines = Dictionary(grouping: batch.deadlines, by: \.caseID)
        let requests = Dictionary(grouping: batch.documentRequests, by: \.caseID)
        let appts = Dictionary(grouping: batch.appointments, by: \.caseID)
        lines.append(batch.cases.map { c in
            let r = c.record.fields
            let m = (comms[r.id] ?? []).map { x in
                "{\"id\": \(q(x.record.id)), \"direction\": \"\(x.record.direction.rawValue)\", \"channel\": \"\(x.record.channel.rawValue)\", "
                    + "\"kind\": \"\(x.record.kind.rawValue)\", \"occurred_at\": \(t(x.record.occurredAt)), \"responded_at\": \(t(x.record.respondedAt))}"
            }
            let d = (deadlines[r.id] ?? []).map { x in
                "{\"id\": \(q(x.record.id)), \"title\": \(q(x.record.title)), \"kind\": \"\(x.record.kind.rawValue)\", "
                    + "\"due_at\": \(t(x.record.dueAt)), \"completed_at\": \(t(x.record.completedAt))}"
            }
            let dr = (requests[r.id] ?? []).map { x in
                "{\"id\": \(q(x.record.id)), \"title\": \(q(x.record.title)), \"requested_at\": \(t(x.record.requestedAt)), "
                    + "\"received_at\": \(t(x.record.receivedAt))}"
            }
            let a = (appts[r.id] ?? []).map { x in
                "{\"id\": \(q(x.record.id)), \"title\": \(q(x.record.title)), \"starts_at\": \(t(x.record.startsAt)), "
                    + "\"with_client\": \(x.record.withClient), \"cancelled\": \(x.record.cancelled)}"
            }
            return "{\"id\": \(q(r.id)), \"number\": \(q(r.number)), \"title\": \(q(r.title)), \"client_name\": \(q(r.clientName)), "
                + "\"client_email\": \(opt(r.clientEmail)), \"status\": \"\(r.status.rawValue)\", \"practice_area\": \(opt(r.practiceArea)), "
                + "\"office\": \(opt(r.office)), \"assignee_id\": \(opt(r.assigneeID)), \"attorney_id\": \(opt(r.attorneyID)), "
                + "\"opened_at\": \(t(r.openedAt)), \"closed_at\": \(t(r.closedAt)), \"tags\": \(JSONText.array(r.tags, separator: ", ")),\n"
                + " \"communications\": [\(m.joined(separator: ", "))],\n \"deadlines\": [\(d.joined(separator: ", "))],\n"
                + " \"document_requests\": [\(dr.joined(separator: ", "))],\n \"appointments\": [\(a.joined(separator: ", "))]}"
        }.joined(separator: ",\n"))
        lines.append("]")
        lines.append("}")
        return lines.joined(separator: "\n") + "\n"
    }
}
