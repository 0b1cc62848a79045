import Foundation
import Testing
import TicklerCore
import TicklerTestKit
@testable import TicklerStore

/// Every requirement of `Ledger`, `Wakes`, `Holds`, `ChangeFeed` and `StaffTasks`, the same on SQLite and on
/// PostgreSQL: a fire recorded once with its wakes, journaled once, found by case, policy, id and prefix; the
/// wake schedule read earliest first; holds written, listed and ended, each bringing its case back at once
/// (SQLite through the change feed, PostgreSQL by waking it); the feed of case writes read in bounded steps
/// and pruned; staff tasks listed and closed once.
@Suite struct LedgerConformanceTests {
    @Test(arguments: ClientRecordsTests.Kind.allCases)
    func everyRequirementOfTheLedgerWakesHoldsFeedAndTasks(_ kind: ClientRecordsTests.Kind) async throws {
        let (opened, keep) = try await ClientRecordsTests.store(kind)
        defer { withExtendedLifetime(keep) {} }
        let s = try #require(opened as? any FirmStore)
        let now = Instant(seconds: SystemClock().now.seconds)
        let t = now.adding(seconds: -3600)
        func key(_ policy: String, _ caseID: String, stage: Int) -> FireKey {
            FireKey(cycle: CycleKey(policy: policy, subject: SubjectRef(.case, caseID), anchor: t), step: StepIndex(stage: stage))
        }
        func fire(_ policy: String, _ caseID: String, stage: Int = 2) -> Fire {
            Fire(key: key(policy, caseID, stage: stage), caseID: caseID, caseNumber: "", due: t, firedAt: t, deliverAt: t,
                 action: .remind, recipients: ["p1"], channels: [])
        }

        // Recorded once, with the steps it superseded and the cases' wakes, in one transaction.
        let feedBefore = try await s.generation()
        let first = [fire("chase", "c1"), fire("chase", "c2"), fire("status", "c1")]
        let skipped = [SkippedStep(key: key("chase", "c1", stage: 1), due: t, caseID: "c1", supersededBy: StepIndex(stage: 2))]
        let wakes = [CaseWake(caseID: "c1", at: t.adding(seconds: 60)), CaseWake(caseID: "c2", at: t), CaseWake(caseID: "c3", at: nil)]
        let recorded = try await s.record(fires: first, skipped: skipped, explanations: [first[0].fireID: "why"], channels: [:],
                                          wakes: wakes, now: t)
        #expect(recorded.map(\.fireID) == first.map(\.fireID))
        let again = try await s.record(fires: first + [fire("chase", "c3")], skipped: [], explanations: [:], channels: [:], wakes: [],
                                       now: t)
        #expect(again.map(\.fireID) == [fire("chase", "c3").fireID], "a key already recorded is left as it is")
        #expect(try await s.wakeCount() == 2)
        #expect(try await s.dueCases(at: now, limit: 10) == ["c2", "c1"], "earliest first")
        #expect(try await s.dueCases(at: now, limit: 1) == ["c2"])
        #expect(try await s.dueCases(at: t.adding(seconds: -1), limit: 10).isEmpty)

        // Read back by case, by policy, by id, by a prefix of an id.
        let c1 = try await s.ledger(caseID: "c1", policy: nil, since: nil)
        #expect(c1.count == 3)
        #expect(c1.filter { $0.outcome == .skipped }.map(\.key) == [key("chase", "c1", stage: 1)])
        #expect(try await s.ledger(caseID: nil, policy: "chase", since: nil).filter { $0.outcome == .fired }.count == 3)
        #expect(try await s.ledger(caseID: nil, policy: nil, since: now).isEmpty)
        let entry = try #require(try await s.ledgerEntry(fireID: first[0].fireID))
        #expect(entry.caseID == "c1" && entry.outcome == .fired && entry.explanation == "why" && entry.recipients == ["p1"])
        #expect(try await s.ledgerEntry(fireID: "0000") == nil)
        let id = first[1].fireID
        #expect(try await s.fireIDs(prefix: String(id.prefix(12)), limit: 5) == [id])
        // A skipped step is not looked up by id: nothing was sent for it.
        let skippedID = key("chase", "c1", stage: 1).fireID
        #expect(try await s.ledgerEntry(fireID: skippedID) == nil)
        #expect(try await s.fireIDs(prefix: String(skippedID.prefix(12)), limit: 5).isEmpty)

        // Journaled once: what journald took is marked; what it refused is found again.
        let unjournaled = try await s.unjournaledFires(limit: 10)
        let all = first + [fire("chase", "c3")]
        #expect(Set(unjournaled.fires.map(\.0.fireID)) == Set(all.map(\.fireID)))
        #expect(unjournaled.unreadable.isEmpty)
        #expect(try await s.journal(Array(first.prefix(2))) { _ in true } == 2)
        #expect(try await s.journal([first[2]]) { _ in false } == 0)
        #expect(Set(try await s.unjournaledFires(limit: 10).fires.map(\.0.fireID)) == Set(all.suffix(2).map(\.fireID)))
        #expect(try await s.generation() == feedBefore, "the ledger is not a case table: nothing of it is on the feed")

        // Holds: a snooze and an ack, listed while in force, ended once; each brings its case back at once.
        let c3 = try #require(try await s.ledger(caseID: "c3", policy: nil, since: nil).first)
        // (PostgreSQL wakes a case by its own clock: the wakes are read a day ahead, which c3 had none before.)
        let dayAhead = now.adding(seconds: 86_400)
        #expect(try await !s.dueCases(at: dayAhead, limit: 10).contains("c3"))
        let snooze = try await s.snooze(caseID: "c3", policy: nil, until: now.adding(seconds: 86_400), reason: "vacation", by: "ops",
                                        now: now)
        let ack = try await s.ack(c3, until: now.adding(seconds: 3600), reason: "called back", by: "ops", now: now)
        let feed = try await s.changes(after: feedBefore, limit: 100)
        let due = try await s.dueCases(at: dayAhead, limit: 10)
        #expect(feed.cases.contains("c3") || due.contains("c3"))
        #expect(try await s.holds(caseID: "c3", now: now, all: false).map(\.id).sorted() == [snooze, ack].sorted())
        #expect(try await s.holds(caseID: "c2", now: now, all: false).isEmpty)
        #expect(try await s.holds(caseID: nil, now: now.adding(seconds: 7200), all: false).map(\.id) == [snooze], "the ack ran out")
        #expect(try await s.endHold(id: snooze, now: now))
        #expect(try await !s.endHold(id: snooze, now: now))
        #expect(try await s.holds(caseID: "c3", now: now, all: false).map(\.id) == [ack])
        #expect(try await s.holds(caseID: "c3", now: now, all: true).count == 2, "an ended hold is kept for the record")

        // Case writes are on the feed, read in bounded steps (`more` until the last), then pruned.
        let mark = try await s.generation()
        var batch = ImportBatch()
        batch.communications = ["c1", "c2"].map { id in
            .init(source: "t", caseID: id, record: Communication(id: "m-\(id)", direction: .inbound, channel: .email, occurredAt: t))
        }
        try await s.write(batch, now: now)
        let step = try await s.changes(after: mark, limit: 1)
        #expect(step.more && step.through > mark && step.cases.count == 1)
        let rest = try await s.changes(after: step.through, limit: 100)
        #expect(!rest.more && step.cases.union(rest.cases) == ["c1", "c2"] && !rest.people)
        #expect(rest.generation >= rest.through && rest.through > step.through)
        try await s.pruneChanges(through: rest.through, limit: 1_000)
        let pruned = try await s.changes(after: 0, limit: 100)
        #expect(pruned.cases.isEmpty && !pruned.more)
        #expect(try await s.generation() == rest.generation, "pruning never moves the generation back")

        // Staff tasks: listed oldest first, closed once.
        let task = StaffTask(id: "task-1", caseID: "c1", contactID: "k1", reason: "no consent to write", createdAt: t)
        let client = fire("update", "c1")
        _ = try await s.record(fires: [Fire(key: client.key, caseID: "c1", caseNumber: "", due: t, firedAt: t, deliverAt: t,
                                            action: .remind, recipients: ["contact:k1"], channels: [])],
                               skipped: [], explanations: [:], channels: [:], wakes: [], now: t)
        let message = try #require(try await s.claimDue(channel: DeliveryPlan.clientChannel, now: now, limit: 5, lease: .seconds(600),
                                                        claimant: "A").first)
        #expect(try await s.complete(delivery: message.id, attempt: 0, result: .replacedByTask(task), at: t, claimant: "A"))
        #expect(try await s.staffTasks(caseID: "c1", includeDone: false).map(\.id) == ["task-1"])
        #expect(try await s.staffTasks(caseID: "c2", includeDone: true).isEmpty)
        let closed = try #require(try await s.closeStaffTask(id: "task-1", by: "ops", reason: "called", now: now))
        #expect(closed.id == "task-1")
        #expect(try await s.staffTasks(caseID: nil, includeDone: false).isEmpty)
        #expect(try await s.staffTasks(caseID: nil, includeDone: true).count == 1)
        #expect(try await s.closeStaffTask(id: "task-9", by: "ops", reason: "none", now: now) == nil)
    }
}
