import Foundation
import PostgresNIO
import TicklerCore
import TicklerStore

extension PostgresCaseStore: EvaluationSource {
    /// Runs `body` in one read-only snapshot of the database (REPEATABLE READ): every statement sees the same
    /// committed state.
    func readSnapshot<T: Sendable>(_ body: (PostgresConnection) async throws -> T) async throws -> T {
        try await transaction("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", body)
    }

    public func people() async throws -> (people: [Person], badRows: [BadRow]) {
        let people = try await readSnapshot { c in
            try await PostgresChunkReader(connection: c, detail: .evaluation, ledger: false, holds: false).people()
        }
        return (people, [])
    }

    public func caseCount() async throws -> Int {
        let rows = try await rows("SELECT count(*) FROM cases")
        return try rows[0].decode(Int.self)
    }

    public func eachChunk(size: Int, detail: SnapshotDetail, ledger: Bool, holds: Bool,
                          _ body: @escaping @Sendable (EvaluationChunk) throws -> Void) async throws {
        try await readSnapshot { c in
            let reader = PostgresChunkReader(connection: c, detail: detail, ledger: ledger, holds: holds)
            var after: String?
            var position = 0
            repeat {
                var (chunk, next) = try await reader.chunk(after: after, size: max(1, size))
                chunk.position = position
                position += chunk.cases.count
                if !chunk.cases.isEmpty || !chunk.badRows.isEmpty { try body(chunk) }
                after = next?.id
            } while after != nil
        }
    }

    public func chunk(after cursor: CaseCursor?, size: Int, detail: SnapshotDetail, ledger: Bool, holds: Bool) async throws
        -> (chunk: EvaluationChunk, next: CaseCursor?) {
        let (chunk, next) = try await readSnapshot { c in
            try await PostgresChunkReader(connection: c, detail: detail, ledger: ledger, holds: holds)
                .chunk(after: cursor?.id, size: max(1, size))
        }
        return (chunk, next)
    }

    public func chunk(caseIDs: [String], detail: SnapshotDetail, ledger: Bool, holds: Bool) async throws -> EvaluationChunk {
        try await readSnapshot { c in
            try await PostgresChunkReader(connection: c, detail: detail, ledger: ledger, holds: holds).chunk(caseIDs: caseIDs)
        }
    }
}

extension PostgresCaseStore: CaseStore {
    public func snapshot(caseIDs: [String]?, detail: SnapshotDetail = .full, people: Bool = true) async throws -> StoreSnapshot {
        try await readSnapshot { c in
            let reader = PostgresChunkReader(connection: c, detail: detail, ledger: false, holds: false)
            let staff = people ? try await reader.people() : []
            var cases: [CaseSnapshot] = []
            var bad: [BadRow] = []
            if let caseIDs {
                let chunk = try await reader.chunk(caseIDs: caseIDs)
                cases = chunk.cases
                bad = chunk.badRows
            } else {
                var after: String?
                repeat {
                    let (chunk, next) = try await reader.chunk(after: after, size: 8192)
                    cases += chunk.cases
                    bad += chunk.badRows
                    after = next?.id
                } while after != nil
            }
            return StoreSnapshot(people: staff, cases: cases, badRows: bad)
        }
    }

    public func ledgerFacts(caseIDs: [String]?) async throws -> LedgerState {
        let filter: PostgresQuery = caseIDs.map { "SELECT policy, subject, anchor_at, stage, repeat FROM tickler_ledger WHERE case_id = ANY(\($0))" }
            ?? "SELECT policy, subject, anchor_at, stage, repeat FROM tickler_ledger"
        var state = LedgerState()
        try await session { c in
            for try await (policy, subject, anchor, stage, rep) in try await c.run(filter, logger: Self.logger)
                .decode((String, String, Date, Int, Int).self) {
                guard let ref = SubjectRef(parsing: subject) else { continue }
                state.record(CycleKey(policy: policy, subject: ref, anchor: Instant(anchor)), StepIndex(stage: stage, repeat: rep))
            }
        }
        return state
    }

    public func snoozes(caseIDs: [String]?) async throws -> [Snooze] {
        let select = "SELECT case_id, policy, until_at, subject, anchor_at FROM tickler_holds WHERE ended_at IS NULL"
        let query: PostgresQuery = caseIDs.map { "\(unescaped: select) AND case_id = ANY(\($0))" } ?? "\(unescaped: select)"
        var out: [Snooze] = []
        for row in try await rows(query) {
            let (caseID, policy, until, subject, anchor) = try row.decode((String, String?, Date, String?, Date?).self)
            var cycle: CycleKey?
            if let policy, let ref = subject.flatMap(SubjectRef.init(parsing:)), let anchor {
                cycle = CycleKey(policy: policy, subject: ref, anchor: Instant(anchor))
            }
            out.append(Snooze(caseID: caseID, policy: policy, cycle: cycle, until: Instant(until)))
        }
        return out
    }

    public func existingIDs(table: String, among ids: Set<String>) async throws -> Set<String> {
        precondition(PostgresSchema.caseTables.contains(table))
        if ids.isEmpty { return [] }
        var out = Set<String>()
        for row in try await rows("SELECT id FROM \(unescaped: table) WHERE id = ANY(\(Array(ids)))") {
            out.insert(try row.decode(String.self))
        }
        return out
    }

    public func caseIDs(number: String) async throws -> [String] {
        try await rows("SELECT id FROM cases WHERE number = \(number) ORDER BY id").map { try $0.decode(String.self) }
    }

    public func write(_ batch: ImportBatch, now: Instant) async throws {
        try await transaction { c in try await PostgresImportWriter(connection: c, now: now).write(batch) }
    }
}
