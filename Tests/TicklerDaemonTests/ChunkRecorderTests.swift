import Foundation
import Testing
import TicklerConfig
import TicklerCore
@testable import TicklerDaemon
import TicklerJournal
import TicklerStore

/// The one loop both tick engines use: a chunk evaluated (fires with explanations, skipped steps, next
/// wakes), recorded by the store, journaled once committed; fires sent again carry `resent` and no second
/// redirection entry.
@Suite struct ChunkRecorderTests {
    static let now = RFC3339.parse("2026-10-01T17:00:00Z")!

    @Test func aChunkIsEvaluatedRecordedAndJournaledOnce() async throws {
        let dir = try await FirmFixture.directory(cases: 2)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let config = try ConfigurationLoader.load(path: dir + "/tickler.yaml")
        let store = try SQLiteCaseStore(path: dir + "/tickler.db", create: false)
        let recorded = RecordedEvents()
        let staff = Staff(try await store.people().people)
        let recorder = ChunkRecorder(config: config, policies: Dictionary(uniqueKeysWithValues: config.policies.map { ($0.id, $0) }),
                                     staff: staff, events: recorded.log)
        let (chunk, _) = try await store.chunk(after: nil, size: 10, detail: .evaluation, ledger: true, holds: true)

        // Opened 2026-09-01 with no client update: by October 1st both stages of the cadence are due; the
        // catch-up fires the escalation and skips the reminder it overtook.
        let record = recorder.evaluate(chunk, now: Self.now)
        #expect(record.fires.map(\.caseID).sorted() == ["c0", "c1"])
        #expect(record.fires.allSatisfy { $0.key.step == StepIndex(stage: 2) })
        #expect(record.skipped.map(\.caseID).sorted() == ["c0", "c1"])
        #expect(record.wakes.map(\.caseID) == ["c0", "c1"])
        for f in record.fires {
            let text = try #require(record.explanations[f.fireID])
            #expect(text.contains("client-update-cadence"))
        }

        let claimed = try await store.record(fires: record.fires, skipped: record.skipped, explanations: record.explanations,
                                             channels: config.channels, wakes: record.wakes, now: Self.now)
        #expect(try await recorder.journal(claimed, explanations: record.explanations, on: store) == 2)
        let fired = recorded.of(.escalationFired)
        #expect(fired.map { $0.fields["case_id"] ?? "" }.sorted() == ["c0", "c1"])
        #expect(fired.allSatisfy { $0.fields["resent"] == nil && $0.fields["explanation"] != nil })
        // Journaled and marked: nothing is left to send again.
        #expect(try await store.unjournaledFires(limit: 10).fires.isEmpty)

        // The same evaluation recorded again claims nothing: nothing more is journaled.
        let again = try await store.record(fires: record.fires, skipped: record.skipped, explanations: record.explanations,
                                           channels: config.channels, wakes: record.wakes, now: Self.now)
        #expect(again.isEmpty)
        #expect(try await recorder.journal(again, explanations: record.explanations, on: store) == 0)

        // A fire sent again (after a crash before its mark) says so.
        #expect(try await recorder.journal([claimed[0]], explanations: [:], resent: true, on: store) == 1)
        #expect(recorded.of(.escalationFired).last?.fields["resent"] == "true")
        store.close()
    }
}
