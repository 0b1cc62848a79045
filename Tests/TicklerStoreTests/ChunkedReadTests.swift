import Foundation
import GRDB
import Testing
import TicklerCore
import TicklerTestKit
@testable import TicklerStore

/// The streamed read gives exactly what the whole-firm read gives, whatever the chunk size: every case with
/// every record in the same order, the same ledger facts and holds, the same rows skipped.
@Suite struct ChunkedReadTests {
    static let t0 = RFC3339.parse("2026-09-01T16:00:00Z")!

    /// A random firm: ids with shared prefixes, non-ASCII and differing lengths (so byte order matters),
    /// records of cases that do not exist, ledger rows and holds, some ended.
    static func randomStore(seed: UInt64) async throws -> SQLiteCaseStore {
        var rng = SplitMix64(seed: seed)
        let store = try SQLiteCaseStore(path: temporaryDirectory() + "/t.db", create: true)
        var batch = ImportBatch()
        batch.people = [.init(source: "t", record: Person(id: "p1", role: "paralegal"))]
        let stems = ["c", "c1", "C", "é", "c10", "z", "ca", "c-"]
        var ids = Set<String>()
        while ids.count < 300 { ids.insert(stems.randomElement(using: &rng)! + String(Int.random(in: 0..<400, using: &rng))) }
        for id in ids {
            let c = CaseSnapshot(id: id, number: "N-\(id)", status: .open, assigneeID: "p1", openedAt: t0)
            batch.cases.append(.init(source: "t", record: .init(fields: c, updatedAt: nil)))
        }
        // Records of existing cases and of cases that do not exist (an integration writes in any order).
        let owners = Array(ids) + ["ghost", "c99999", "", "ÿ"]
        for n in 0..<1500 {
            let owner = owners.randomElement(using: &rng)!
            let at = t0.adding(seconds: Int64.random(in: 0..<5_000_000, using: &rng))
            switch n % 4 {
            case 0: batch.communications.append(.init(source: "t", caseID: owner, record: Communication(
                id: "m\(n)", direction: Bool.random(using: &rng) ? .inbound : .outbound, channel: .email, occurredAt: at)))
            case 1: batch.deadlines.append(.init(source: "t", caseID: owner, record: Deadline(id: "d\(n)", kind: .court, dueAt: at)))
            case 2: batch.documentRequests.append(.init(source: "t", caseID: owner, record: DocumentRequest(
                id: "r\(n)", requestedAt: at)))
            default: batch.appointments.append(.init(source: "t", caseID: owner, record: Appointment(
                id: "a\(n)", startsAt: at, withClient: true, cancelled: false)))
            }
        }
        try await store.write(batch, now: t0)
        let held = Array(owners.shuffled(using: &rng).prefix(200))
        try await store.pool.write { db in
            for (n, owner) in held.enumerated() {
                try db.execute(sql: """
                    INSERT INTO tickler_ledger (fire_id, policy, subject, anchor_at, stage, repeat, case_id, outcome, due_at,
                        fired_at, recorded_at) VALUES (?, 'p', ?, ?, ?, 0, ?, 'fired', ?, ?, ?)
                    """, arguments: ["f\(n)", "case:\(owner)", t0.rfc3339, n % 3 + 1, owner, t0.rfc3339, t0.rfc3339, t0.rfc3339])
                try db.execute(sql: """
                    INSERT INTO tickler_holds (case_id, kind, policy, until_at, reason, created_by, created_at, ended_at)
                    VALUES (?, 'snooze', NULL, ?, 'r', 'u', ?, ?)
                    """, arguments: [owner, t0.adding(seconds: 86_400).rfc3339, t0.rfc3339, n % 5 == 0 ? t0.rfc3339 : nil])
            }
        }
        return store
    }

    static func streamed(_ store: SQLiteCaseStore, size: Int, detail: SnapshotDetail = .evaluation) async throws
        -> (cases: [CaseSnapshot], ledger: LedgerState, holds: [String: [Snooze]], bad: [BadRow], positions: [Int]) {
        let out = Collected()
        try await store.eachChunk(size: size, detail: detail, ledger: true, holds: true) { chunk in
            #expect(chunk.cases.count <= size)
            out.add(chunk)
        }
        return out.value.withLock { $0 }
    }

    @Test(arguments: [1, 2, 7, 64, 10_000])
    func everyChunkSizeReadsWhatTheWholeFirmReadReads(size: Int) async throws {
        let store = try await Self.randomStore(seed: 5)
        let whole = try await store.snapshot(caseIDs: nil, detail: .evaluation, people: false)
        let ledger = try await store.ledgerFacts(caseIDs: whole.cases.map(\.id))
        let holds = Dictionary(grouping: try await store.snoozes(caseIDs: whole.cases.map(\.id)), by: \.caseID)
        let streamed = try await Self.streamed(store, size: size)
        #expect(streamed.cases == whole.cases)
        #expect(streamed.ledger == ledger)
        #expect(streamed.holds.mapValues { $0.count } == holds.mapValues { $0.count })
        // Holds not ended, of cases that exist.
        let inForce = try await store.pool.read { db in
            try Int.fetchOne(db, sql: "SELECT count(*) FROM tickler_holds WHERE ended_at IS NULL AND case_id IN (SELECT id FROM cases)")
        }
        #expect(streamed.holds.values.flatMap { $0 }.count == inForce)
        #expect((inForce ?? 0) > 100)
        // Each chunk says where its first case stands in the firm's order.
        var expected = 0
        for p in streamed.positions {
            #expect(p == expected)
            expected += min(size, whole.cases.count - expected)
        }
    }

    @Test func corruptRowsAreSkippedAndReportedAsTheWholeFirmReadDoes() async throws {
        let store = try await CorruptRowTests.corruptStore()
        for detail in [SnapshotDetail.evaluation, .full] {
            let whole = try await store.snapshot(caseIDs: nil, detail: detail, people: false)
            for size in [1, 3, 100] {
                let streamed = try await Self.streamed(store, size: size, detail: detail)
                #expect(streamed.cases == whole.cases)
                #expect(streamed.bad.map(\.description).sorted() == whole.badRows.map(\.description).sorted(),
                        "chunks of \(size)")
            }
        }
    }

    /// A walk in bounded steps, each its own read, one chunk after another from a cursor.
    static func walked(_ store: SQLiteCaseStore, size: Int, detail: SnapshotDetail = .evaluation) async throws
        -> (cases: [CaseSnapshot], ledger: LedgerState, holds: [String: [Snooze]], bad: [BadRow], steps: Int) {
        let out = Collected()
        var cursor: CaseCursor?
        var steps = 0
        repeat {
            let (chunk, next) = try await store.chunk(after: cursor, size: size, detail: detail, ledger: true, holds: true)
            #expect(chunk.cases.count <= size)
            out.add(chunk)
            cursor = next
            steps += 1
        } while cursor != nil && steps < 100_000
        let v = out.value.withLock { $0 }
        return (v.cases, v.ledger, v.holds, v.bad, steps)
    }

    @Test(arguments: [1, 7, 64, 10_000])
    func aWalkInBoundedStepsReadsWhatTheWholeFirmReadReads(size: Int) async throws {
        let store = try await Self.randomStore(seed: 9)
        let whole = try await store.snapshot(caseIDs: nil, detail: .evaluation, people: false)
        let streamed = try await Self.streamed(store, size: 10_000)
        let walked = try await Self.walked(store, size: size)
        #expect(walked.cases == whole.cases)
        #expect(walked.ledger == streamed.ledger)
        #expect(walked.holds.mapValues { $0.count } == streamed.holds.mapValues { $0.count })
        #expect(walked.steps == max(1, (whole.cases.count + size - 1) / size), "one read per chunk, none empty but the only one")
    }

    @Test func aWalkPassesUnreadableCaseIdsAndReportsEachOnce() async throws {
        let store = try await CorruptRowTests.corruptStore()
        let whole = try await store.snapshot(caseIDs: nil, detail: .evaluation, people: false)
        for size in [1, 2, 5] {
            let walked = try await Self.walked(store, size: size)
            #expect(walked.cases == whole.cases)
            #expect(walked.bad.map(\.description).sorted() == whole.badRows.map(\.description).sorted(), "steps of \(size)")
        }
    }

    @Test func anEmptyStoreStreamsNothing() async throws {
        let store = try SQLiteCaseStore(path: temporaryDirectory() + "/t.db", create: true)
        let streamed = try await Self.streamed(store, size: 10)
        #expect(streamed.cases.isEmpty && streamed.positions.isEmpty)
    }
}

import Synchronization

/// What a streamed read handed over, chunk by chunk.
final class Collected: Sendable {
    let value = Mutex((cases: [CaseSnapshot](), ledger: LedgerState(), holds: [String: [Snooze]](), bad: [BadRow](),
                       positions: [Int]()))

    func add(_ chunk: EvaluationChunk) {
        value.withLock { v in
            v.cases += chunk.cases
            for (cycle, step) in chunk.ledger.highest { v.ledger.record(cycle, step) }
            v.holds.merge(chunk.holds) { $0 + $1 }
            v.bad += chunk.badRows
            if !chunk.cases.isEmpty { v.positions.append(chunk.position) }
        }
    }
}
