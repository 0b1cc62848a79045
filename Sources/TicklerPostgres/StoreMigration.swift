import TicklerCore
import TicklerStore

/// Copies a SQLite store into a PostgreSQL one in one transaction: the firm's tables (as an import, with
/// each case's stage history and its contacts' consent entries), the
/// ledger (each entry as recorded, marked journaled: its journal entry was written by the daemon that
/// recorded it), the holds and the staff tasks, open and closed. What clients wrote (a text's words, a
/// survey's comment) comes with its record. Every copied case is woken, so the instances evaluate it.
public struct StoreMigration {
    let from: SQLiteCaseStore
    let to: PostgresCaseStore

    public init(from: SQLiteCaseStore, to: PostgresCaseStore) {
        self.from = from
        self.to = to
    }

    public struct Copied: Sendable {
        public var people = 0, cases = 0, records = 0, ledger = 0, holds = 0, staffTasks = 0, closures = 0
        /// Rows of the SQLite store that cannot be read: not copied.
        public var skipped: [BadRow] = []
    }

    public func run() async throws -> Copied {
        let snapshot = try await from.snapshot(caseIDs: nil, detail: .full, people: true)
        var batch = ImportBatch()
        for p in snapshot.people { batch.people.append(.init(source: "migrate", record: p)) }
        for c in snapshot.cases {
            var fields = c
            fields.communications = []
            fields.deadlines = []
            fields.documentRequests = []
            fields.appointments = []
            fields.events = []
            fields.contacts = []
            fields.stageChanges = []
            fields.surveyResponses = []
            batch.cases.append(.init(source: "migrate", record: .init(fields: fields, updatedAt: nil)))
            batch.communications += c.communications.map { .init(source: "migrate", caseID: c.id, record: $0) }
            batch.deadlines += c.deadlines.map { .init(source: "migrate", caseID: c.id, record: $0) }
            batch.documentRequests += c.documentRequests.map { .init(source: "migrate", caseID: c.id, record: $0) }
            batch.appointments += c.appointments.map { .init(source: "migrate", caseID: c.id, record: $0) }
            batch.events += c.events.map { .init(source: "migrate", caseID: c.id, record: $0) }
            batch.contacts += c.contacts.map { .init(source: "migrate", caseID: c.id, record: $0) }
            batch.stageChanges += c.stageChanges.map { .init(source: "migrate", caseID: c.id, record: $0) }
            batch.surveyResponses += c.surveyResponses.map { .init(source: "migrate", caseID: c.id, record: $0) }
        }
        let contactIDs = batch.contacts.map(\.record.id)
        batch.consents = try await from.consents(of: contactIDs).map { .init(source: "migrate", record: $0) }
        let ledger = try await from.ledger(caseID: nil, policy: nil, since: nil)
        let holds = try await from.holds(caseID: nil, now: Instant(seconds: 0), all: true)
        let tasks = try await from.staffTasks(caseID: nil, includeDone: true)
        let closures = try await from.courtClosures()
        let now = try await to.databaseNow()
        try await to.copy(batch, ledger: ledger, holds: holds, staffTasks: tasks, closures: closures, now: now)
        var copied = Copied()
        copied.people = batch.people.count
        copied.cases = batch.cases.count
        copied.records = batch.recordCount - batch.people.count - batch.cases.count
        copied.ledger = ledger.count
        copied.holds = holds.count
        copied.staffTasks = tasks.count
        copied.closures = closures.values.reduce(0) { $0 + $1.count }
        copied.skipped = snapshot.badRows
        return copied
    }
}
