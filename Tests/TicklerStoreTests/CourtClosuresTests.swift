import Foundation
import Testing
import TicklerCore
import TicklerTestKit
@testable import TicklerStore

/// Court closures on both stores: recorded by court and day (the same day again updates its reason and
/// source), read back by court in date order, removed.
@Suite(.ownThreads) struct CourtClosuresTests {
    @Test(arguments: SyncStateTests.Kind.allCases)
    func closuresAreRecordedUpdatedAndRemovedByCourtAndDay(_ kind: SyncStateTests.Kind) async throws {
        let (store, keep) = try await SyncStateTests.store(kind)
        defer { _ = keep }
        let now = SyncStateTests.t("2026-12-06T12:00:00Z")
        let d13 = LocalDate(year: 2026, month: 2, day: 13), d2 = LocalDate(year: 2026, month: 2, day: 2)
        #expect(try await store.courtClosures().isEmpty)
        #expect(try await store.addCourtClosure(court: "ca-superior", CourtClosure(date: d13, reason: "storm", source: "order 7"), now: now))
        #expect(try await store.addCourtClosure(court: "ca-superior", CourtClosure(date: d2, reason: "outage", source: "https://x.test"), now: now))
        #expect(try await store.addCourtClosure(court: "ny-supreme", CourtClosure(date: d13, reason: "snow", source: "AO/1"), now: now))
        // The same day again: not new; its reason and source replaced.
        #expect(try await store.addCourtClosure(court: "ca-superior", CourtClosure(date: d13, reason: "flood", source: "order 8"), now: now) == false)
        let all = try await store.courtClosures()
        #expect(all["ca-superior"] == [CourtClosure(date: d2, reason: "outage", source: "https://x.test"),
                                       CourtClosure(date: d13, reason: "flood", source: "order 8")])
        #expect(all["ny-supreme"] == [CourtClosure(date: d13, reason: "snow", source: "AO/1")])
        #expect(try await store.removeCourtClosure(court: "ca-superior", date: d13))
        #expect(try await store.removeCourtClosure(court: "ca-superior", date: d13) == false)
        #expect(try await store.courtClosures()["ca-superior"] == [CourtClosure(date: d2, reason: "outage", source: "https://x.test")])
    }
}
