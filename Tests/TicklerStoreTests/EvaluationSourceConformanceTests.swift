import Foundation
import Synchronization
import Testing
import TicklerCore
import TicklerTestKit
@testable import TicklerStore

/// Every requirement of `EvaluationSource`, `CaseStore` and `HealthRecord`, the same on SQLite and on
/// PostgreSQL: cases counted, walked in id order in bounded chunks (by cursor and in one read), read by id
/// with their ledger facts and holds when asked, found by number and by id, and the daemon's health kept.
@Suite struct EvaluationSourceConformanceTests {
    @Test(arguments: ClientRecordsTests.Kind.allCases)
    func everyRequirementOfTheEvaluationSourceCaseStoreAndHealth(_ kind: ClientRecordsTests.Kind) async throws {
        let (opened, keep) = try await ClientRecordsTests.store(kind)
        defer { withExtendedLifetime(keep) {} }
        let s = try #require(opened as? any FirmStore)
        let now = Instant(seconds: SystemClock().now.seconds)
        var batch = ImportBatch()
        for n in 3...6 {
            batch.cases.append(.init(source: "t", record: .init(fields: CaseSnapshot(
                id: "c\(n)", number: "N-\(n)", title: "Matter \(n)", clientName: "Client \(n)", status: n == 6 ? .closed : .open,
                assigneeID: "p1", openedAt: now.adding(seconds: -86_400), stage: nil), updatedAt: now)))
        }
        try await s.write(batch, now: now)

        // Counted, and walked in id order a bounded chunk at a time.
        #expect(try await s.caseCount() == 6)
        let people = try await s.people()
        #expect(people.people.map(\.id) == ["p1"] && people.badRows.isEmpty)
        let (first, cursor) = try await s.chunk(after: nil, size: 4, detail: .evaluation, ledger: false, holds: false)
        #expect(first.cases.map(\.id) == ["c1", "c2", "c3", "c4"])
        let (second, end) = try await s.chunk(after: try #require(cursor), size: 4, detail: .evaluation, ledger: false, holds: false)
        #expect(second.cases.map(\.id) == ["c5", "c6"] && end == nil)
        let seen = Mutex<[[String]]>([])
        try await s.eachChunk(size: 4, detail: .evaluation, ledger: false, holds: false) { chunk in
            seen.withLock { $0.append(chunk.cases.map(\.id)) }
        }
        #expect(seen.withLock { $0 } == [["c1", "c2", "c3", "c4"], ["c5", "c6"]])
        #expect(try await s.chunk(caseIDs: ["c5", "c2", "nope"], detail: .evaluation, ledger: false, holds: false).cases.map(\.id)
                == ["c2", "c5"])

        // With the ledger's facts and the holds when asked for, not otherwise.
        let cycle = CycleKey(policy: "chase", subject: SubjectRef(.case, "c2"), anchor: now)
        let fire = Fire(key: FireKey(cycle: cycle, step: StepIndex(stage: 2)), caseID: "c2", caseNumber: "2026-0143", due: now,
                        firedAt: now, deliverAt: now, action: .remind, recipients: [], channels: [])
        _ = try await s.record(fires: [fire], skipped: [], explanations: [:], channels: [:], wakes: [], now: now)
        _ = try await s.snooze(caseID: "c5", policy: "chase", until: now.adding(seconds: 3600), reason: "r", by: "ops", now: now)
        let full = try await s.chunk(caseIDs: ["c2", "c5"], detail: .evaluation, ledger: true, holds: true)
        #expect(full.ledger.highestRecorded(cycle) == StepIndex(stage: 2))
        #expect(full.holds["c5"]?.map(\.policy) == ["chase"] && full.holds["c2"] == nil)
        let bare = try await s.chunk(caseIDs: ["c2", "c5"], detail: .evaluation, ledger: false, holds: false)
        #expect(bare.ledger.highestRecorded(cycle) == nil && bare.holds.isEmpty)
        #expect(try await s.ledgerFacts(caseIDs: ["c2"]).highestRecorded(cycle) == StepIndex(stage: 2))
        #expect(try await s.ledgerFacts(caseIDs: ["c1"]).highestRecorded(cycle) == nil)
        #expect(try await s.snoozes(caseIDs: ["c5"]).map(\.until) == [now.adding(seconds: 3600)])
        #expect(try await s.snoozes(caseIDs: ["c1"]).isEmpty)

        // The snapshot, the ids present, a case by its number.
        let snapshot = try await s.snapshot(caseIDs: nil, detail: .full, people: true)
        #expect(snapshot.cases.map(\.id) == ["c1", "c2", "c3", "c4", "c5", "c6"] && snapshot.people.map(\.id) == ["p1"])
        #expect(snapshot.cases.last?.status == .closed && snapshot.cases[2].clientName == "Client 3")
        #expect(try await s.snapshot(caseIDs: ["c4"], detail: .full, people: false).people.isEmpty)
        #expect(try await s.existingIDs(table: "cases", among: ["c1", "c9"]) == ["c1"])
        #expect(try await s.caseIDs(number: "N-4") == ["c4"])
        #expect(try await s.caseIDs(number: "N-404").isEmpty)

        // The daemon's health as last written.
        try await s.saveHealth(["last_tick": "2026-12-05T16:00:00Z", "open_cases": "5"])
        try await s.saveHealth(["last_tick": "2026-12-05T16:00:01Z", "open_cases": "5"])
        let health = try await s.health()
        #expect(health["last_tick"] == "2026-12-05T16:00:01Z" && health["open_cases"] == "5")
    }
}
