import Foundation
import GRDB
import Systemd
import Testing
import TicklerCore
import TicklerJournal
import TicklerStore
import TicklerTestKit
@testable import TicklerDaemon

@Suite(.serialized) struct CorruptRowDaemonTests {
    /// The corpus beside good cases, a client name that is not UTF-8 on a case with an open follow-up, and
    /// a digest that names clients: the daemon goes on through three full rescans and a digest, journals
    /// each bad row once, and a row that is mended and broken again is journaled again.
    @Test func corruptRowsAreJournaledOncePerRowAndNeverStopTheDaemon() async throws {
        let firm = try await DeliveryFirm(cases: 2, smtpPort: DeliveryFirm.freePort(),
                                          extra: "digest: { at: \"08:00\", calendar: firm, via: email }\n")
        let db = try DatabaseQueue(path: firm.dir + "/tickler.db")
        try await db.write { db in
            for row in CorruptRows.corpus { try db.execute(sql: row.sql) }
            try db.execute(sql: "UPDATE cases SET client_name = X'52656EE9' WHERE id = 'c0'")
        }
        let zone = ZoneRules(identifier: "America/Los_Angeles")!
        let clock = ManualClock(zone.instant(date: LocalDate(year: 2026, month: 11, day: 23), secondOfDay: 9 * 3600))
        let recorded = RecordedEvents()
        let daemon = try await Daemon(options: .init(configPath: firm.config, clock: clock, notifier: ServiceNotifier(),
                                                     events: recorded.log))
        try await daemon.catchUp()
        for _ in 0..<2 { try await daemon.evaluateAll() }
        try await daemon.tick(.incremental)
        // The lanes read the digest, which names the clients of its cases as they are now.
        _ = await daemon.deliverQueued(timeout: .seconds(2))
        #expect(recorded.of(.digestQueued).count == 1)
        let skipped = recorded.of(.rowSkipped).map { "\($0.fields["table"] ?? "") \($0.fields["row"] ?? "")" }
        #expect(skipped.sorted() == CorruptRows.corpus.map { "\($0.table) \($0.reportedID)" }.sorted())
        // The good cases fired.
        #expect(try await firm.store().ledger().contains { $0.caseID == "c1" && $0.outcome == .fired })

        // Mended, then broken again: journaled again, once.
        try await db.write { db in try db.execute(sql: "UPDATE events SET service_method = NULL WHERE id = 'e-pigeon'") }
        try await daemon.tick(.incremental)
        try await db.write { db in try db.execute(sql: "UPDATE events SET service_method = 'owl' WHERE id = 'e-pigeon'") }
        try await daemon.tick(.incremental)
        try await daemon.evaluateAll()
        #expect(recorded.of(.rowSkipped).filter { $0.fields["row"] == "e-pigeon" }.count == 2)
        await daemon.stop(bound: .seconds(2))
    }
}
