import Foundation
import GRDB
import Testing
import TicklerCore
@testable import TicklerStore

/// The wake schedule in the store, and the change feed read in bounded batches.
@Suite struct WakeTableTests {
    static let t0 = RFC3339.parse("2026-09-01T16:00:00Z")!

    static func fire(_ caseID: String) -> Fire {
        let key = FireKey(cycle: CycleKey(policy: "p", subject: SubjectRef(.case, caseID), anchor: t0), step: StepIndex(stage: 1))
        return Fire(key: key, caseID: caseID, caseNumber: "N", due: t0, firedAt: t0, deliverAt: t0, action: .remind,
                    recipients: ["p1"], channels: [])
    }

    @Test func dueCasesComeEarliestFirstWithinTheLimitAndClearedWakesAreGone() async throws {
        let s = try SQLiteCaseStore(path: temporaryDirectory() + "/t.db", create: true)
        _ = try await s.record(fires: [], skipped: [], wakes: [
            CaseWake(caseID: "c3", at: Self.t0.adding(seconds: 30)), CaseWake(caseID: "c1", at: Self.t0.adding(seconds: 10)),
            CaseWake(caseID: "c2", at: Self.t0.adding(seconds: 10)), CaseWake(caseID: "c4", at: Self.t0.adding(seconds: 3600)),
            CaseWake(caseID: "c5", at: nil),
        ], now: Self.t0)
        #expect(try await s.wakeCount() == 4)
        #expect(try await s.dueCases(at: Self.t0.adding(seconds: 9), limit: 10) == [])
        #expect(try await s.dueCases(at: Self.t0.adding(seconds: 10), limit: 10) == ["c1", "c2"])
        #expect(try await s.dueCases(at: Self.t0.adding(seconds: 30), limit: 2) == ["c1", "c2"])
        #expect(try await s.dueCases(at: Self.t0.adding(seconds: 30), limit: 10) == ["c1", "c2", "c3"])
        // A later evaluation moves one wake and clears another.
        _ = try await s.record(fires: [], skipped: [], wakes: [CaseWake(caseID: "c1", at: Self.t0.adding(seconds: 7200)),
                                                               CaseWake(caseID: "c2", at: nil)], now: Self.t0)
        #expect(try await s.dueCases(at: Self.t0.adding(seconds: 3600), limit: 10) == ["c3", "c4"])
        #expect(try await s.wakeCount() == 3)
    }

    /// The wakes are written in the fires' transaction: when it fails, neither is.
    @Test func wakesAndFiresCommitTogether() async throws {
        let s = try SQLiteCaseStore(path: temporaryDirectory() + "/t.db", create: true)
        _ = try await s.record(fires: [Self.fire("c1")], skipped: [], wakes: [CaseWake(caseID: "c1", at: Self.t0)], now: Self.t0)
        // The store refuses c2's wake (a trigger stands in for a failing write), after its fire was inserted.
        try await s.write { db in
            try db.execute(sql: """
                CREATE TRIGGER no_c2 BEFORE INSERT ON tickler_wake WHEN NEW.case_id = 'c2' BEGIN SELECT RAISE(ABORT, 'refused'); END
                """)
        }
        await #expect(throws: (any Error).self) {
            _ = try await s.record(fires: [Self.fire("c2")], skipped: [], wakes: [CaseWake(caseID: "c2", at: Self.t0)], now: Self.t0)
        }
        let ledger = try await s.ledger().map(\.caseID)
        #expect(ledger == ["c1"], "the fire of the failed transaction is not recorded")
        #expect(try await s.dueCases(at: Self.t0, limit: 10) == ["c1"])
    }

    @Test func theFeedIsReadInBoundedBatchesThatSayWhetherMoreIsLeft() async throws {
        let s = try SQLiteCaseStore(path: temporaryDirectory() + "/t.db", create: true)
        var batch = ImportBatch()
        for n in 0..<10 {
            let c = CaseSnapshot(id: "c\(n)", number: "N-\(n)", status: .open, openedAt: Self.t0)
            batch.cases.append(.init(source: "t", record: .init(fields: c, updatedAt: nil)))
        }
        try await s.write(batch, now: Self.t0)
        var seen = Set<String>(), from: Int64 = 0, batches = 0
        while true {
            let part = try await s.changes(after: from, limit: 4)
            #expect(part.through > from || part.cases.isEmpty)
            seen.formUnion(part.cases)
            from = part.through
            batches += 1
            if !part.more { break }
        }
        #expect(seen == Set((0..<10).map { "c\($0)" }))
        #expect(batches == 3)
        let all = try await s.changes(after: 0, limit: .max)
        #expect(!all.more && all.cases.count == 10)
    }
}
