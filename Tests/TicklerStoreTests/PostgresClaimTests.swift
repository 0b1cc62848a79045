import Foundation
import Testing
import TicklerCore
@testable import TicklerPostgres
import TicklerTestKit
@testable import TicklerStore

/// Three stores (three instances' pools) claiming due cases from one PostgreSQL database at the same moment.
enum ClaimRace {
    static let t0 = RFC3339.parse("2026-09-01T16:00:00Z")!
    static let calendar = BusinessCalendar.utcDefault
    /// Three stages after a case opens: 1, 2 and 3 hours.
    static let policy = Policy(id: "welcome", clock: .sinceOpened, calendar: calendar, stages: (1...3).map {
        Stage(number: $0, offset: Period($0, .hours), counting: calendar, notify: [.assignee])
    })
    static let evaluation = FirmEvaluation(policies: [policy], rules: DeadlineRuleSet([]), staff: Staff([Person(id: "p1", name: "P")]))

    /// `rounds` times: `perRound` new cases with all three stages due, then the three stores claiming at once
    /// (two cases a claim) until none is left. Every case must end with stage 3 fired and stages 1 and 2
    /// skipped, each recorded once, whichever store claimed it.
    static func run(rounds: Int, perRound: Int) async throws {
        let db = try TestDatabase()
        var s = PostgresSettings(host: db.host, port: db.port, user: db.user, database: db.name, tls: .disable, password: db.password)
        s.maximumConnections = 2
        let settings = s
        let stores = try await withThrowingTaskGroup(of: PostgresCaseStore.self) { group in
            for name in ["a", "b", "c"] { group.addTask { try await PostgresCaseStore(settings, instance: name) } }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        try db.pinNow("2026-09-01T20:00:00Z")
        var claimedBy: [String: Int] = [:]
        for round in 0..<rounds {
            var batch = ImportBatch()
            for k in 0..<perRound {
                let c = CaseSnapshot(id: "r\(round)-\(k)", number: "N", status: .open, assigneeID: "p1", openedAt: t0)
                batch.cases.append(.init(source: "t", record: .init(fields: c, updatedAt: t0)))
            }
            try await stores[0].write(batch, now: t0)
            _ = try await stores[0].absorbChanges(limit: 10_000)
            try await withThrowingTaskGroup(of: (String, Int).self) { group in
                for s in stores {
                    group.addTask {
                        var n = 0
                        while true {
                            let claim = try await s.evaluateDue(limit: 2, channels: [:]) { chunk, now in
                                record(chunk, evaluation, now: now)
                            }
                            if claim.claimed.isEmpty { return (s.instance, n) }
                            n += claim.claimed.count
                        }
                    }
                }
                for try await (name, n) in group { claimedBy[name, default: 0] += n }
            }
        }
        let rows = try db.rows("SELECT case_id, stage, outcome FROM tickler_ledger ORDER BY case_id, stage")
        let byCase = Dictionary(grouping: rows, by: { $0[0] })
        #expect(byCase.count == rounds * perRound)
        for (id, r) in byCase {
            #expect(r.map { "\($0[1]):\($0[2])" } == ["1:skipped", "2:skipped", "3:fired"], "case \(id)")
        }
        #expect(claimedBy.values.reduce(0, +) >= rounds * perRound)
        // Each fired step queued once, its next wake cleared (nothing is pending after the last stage).
        #expect(try db.rows("SELECT count(*) FROM tickler_wake") == [["0"]])
        for s in stores { await s.close() }
    }
}

@Suite(.ownThreads) struct PostgresClaimTests {
    @Test func threeStoresClaimingAtOnceFireOnlyTheHighestDueStepOfEachCase() async throws {
        try await ClaimRace.run(rounds: 20, perRound: 6)
    }

    /// A claim's cases are held until it commits: while another session holds one, a claim gets the others.
    @Test func aCaseHeldByAnotherClaimIsPassedOver() async throws {
        let db = try TestDatabase()
        let settings = PostgresSettings(host: db.host, port: db.port, user: db.user, database: db.name, tls: .disable, password: db.password)
        let a = try await PostgresCaseStore(settings, instance: "a")
        try db.pinNow("2026-09-01T20:00:00Z")
        var batch = ImportBatch()
        for k in 0..<3 {
            batch.cases.append(.init(source: "t", record: .init(fields: CaseSnapshot(id: "c\(k)", number: "N", assigneeID: "p1",
                                                                                     openedAt: ClaimRace.t0), updatedAt: ClaimRace.t0)))
        }
        try await a.write(batch, now: ClaimRace.t0)
        _ = try await a.absorbChanges(limit: 100)
        // Another instance's claim, in a psql session that holds c1's wake until told to end.
        try db.psql("CREATE TABLE go (x int)")
        let holder = Process()
        holder.executableURL = URL(fileURLWithPath: db.bin + "/psql")
        holder.arguments = ["-X", "-q", "-h", db.host, "-p", "\(db.port)", "-U", db.user, "-d", db.name, "-c", """
            BEGIN; SELECT case_id FROM tickler_wake WHERE case_id = 'c1' FOR UPDATE;
            DO $$ BEGIN WHILE NOT EXISTS (SELECT 1 FROM go) LOOP PERFORM pg_sleep(0.05); END LOOP; END $$;
            COMMIT;
            """]
        holder.environment = ["PGPASSWORD": db.password]
        holder.standardOutput = FileHandle.nullDevice
        try holder.run()
        var polls = 0
        while try db.rows("SELECT count(*) FROM pg_locks l JOIN pg_class c ON c.oid = l.relation WHERE c.relname = 'tickler_wake' AND l.mode = 'RowShareLock' AND l.granted") == [["0"]] {
            polls += 1
            try #require(polls < 1200, "the holder never took its lock")
            try await Task.sleep(for: .milliseconds(50))
        }
        let claim = try await a.evaluateDue(limit: 10, channels: [:]) { chunk, now in
            record(chunk, ClaimRace.evaluation, now: now)
        }
        #expect(claim.claimed.sorted() == ["c0", "c2"])
        #expect(claim.recorded.map(\.caseID).sorted() == ["c0", "c2"])
        try db.psql("INSERT INTO go VALUES (1)")
        holder.waitUntilExit()
        let rest = try await a.evaluateDue(limit: 10, channels: [:]) { chunk, now in
            record(chunk, ClaimRace.evaluation, now: now)
        }
        #expect(rest.claimed == ["c1"])
        await a.close()
    }
}

/// The collapse race at the size: 1,000 rounds.
@Suite(.serialized, .ownThreads) struct HeavyPostgresClaimRaceTests {
    @Test func aThousandRoundsOfThreeStoresClaimingAtOnce() async throws {
        try await ClaimRace.run(rounds: 1000, perRound: 3)
    }
}

/// What a claim records of `chunk` evaluated at `now` (the daemon's `ChunkRecorder` adds explanations).
private func record(_ chunk: EvaluationChunk, _ evaluation: FirmEvaluation, now: Instant) -> EvaluationRecord {
    var record = EvaluationRecord()
    for stored in chunk.cases {
        let e = evaluation.evaluate(stored, ledger: chunk.ledger, holds: chunk.holds[stored.id] ?? [], now: now).result
        record.wakes.append(CaseWake(caseID: stored.id, at: e.nextWakeUp))
        record.fires += e.fires
        record.skipped += e.skipped
    }
    return record
}
