import GRDB
import TicklerCore

extension SQLiteCaseStore: EvaluationSource {
    public func people() async throws -> (people: [Person], badRows: [BadRow]) {
        let snapshot = try await snapshot(caseIDs: [], detail: .evaluation, people: true)
        return (snapshot.people, snapshot.badRows)
    }

    public func caseCount() async throws -> Int {
        try await readTransaction { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM cases") ?? 0 }
    }

    public func eachChunk(size: Int, detail: SnapshotDetail, ledger: Bool, holds: Bool,
                          _ body: @escaping @Sendable (EvaluationChunk) throws -> Void) async throws {
        try await readTransaction { db in
            try ChunkedSnapshotReader(db: db, detail: detail, size: max(1, size), ledger: ledger, holds: holds).read(body)
        }
    }

    public func chunk(after cursor: CaseCursor?, size: Int, detail: SnapshotDetail, ledger: Bool, holds: Bool) async throws
        -> (chunk: EvaluationChunk, next: CaseCursor?) {
        try await readTransaction { db in
            var reader = ChunkedSnapshotReader(db: db, detail: detail, size: max(1, size), ledger: ledger, holds: holds)
            reader.after = cursor?.key
            let (chunk, next) = try reader.readOne()
            return (chunk, next.map(CaseCursor.init))
        }
    }

    public func chunk(caseIDs: [String], detail: SnapshotDetail, ledger: Bool, holds: Bool) async throws -> EvaluationChunk {
        try await readTransaction { db in
            let snapshot = try SnapshotReader(db: db, caseIDs: caseIDs, detail: detail, people: false).read()
            var chunk = EvaluationChunk(position: 0)
            chunk.cases = snapshot.cases
            chunk.badRows = snapshot.badRows
            if ledger { chunk.ledger = try Self.ledgerFacts(db, caseIDs: caseIDs) }
            if holds { chunk.holds = Dictionary(grouping: try Self.holds(db, caseIDs: caseIDs), by: \.caseID) }
            return chunk
        }
    }
}
