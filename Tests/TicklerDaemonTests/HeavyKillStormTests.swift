import Foundation
import GRDB
import TicklerConfig
import Systemd
import Glibc
import Synchronization
import Testing
import TicklerCore
@testable import TicklerJournal
import TicklerStore
import TicklerTestKit
@testable import TicklerDaemon

/// Heavy: ten thousand fires and twenty kills. `make test` runs the Heavy suites on their own, one at a
/// time, after the fast suite (`make check` leaves them out).
@Suite(.serialized, .ownThreads) struct HeavyKillStormTests {
    /// Kill -9 at random moments while 10,000 fires come due, 20 times over: the ledger ends with each
    /// due fire exactly once, and the journal (the policy's only channel) every one of them, repeating at
    /// most one entry per kill. Half the kills come at a random time after start (often before the burst),
    /// half once the ledger has grown past a random count (inside the burst, whatever the machine's speed).
    @Test func killedAtRandomTwentyTimesTheLedgerHoldsEveryFireExactlyOnce() async throws {
        let cases = 10_000
        let dir = try await FirmFixture.directory(cases: cases)
        var rng = SplitMix64(seed: 20_261_129)
        let store = try SQLiteCaseStore(path: dir + "/tickler.db", create: false)
        let db = try DatabaseQueue(path: dir + "/tickler.db")
        func firedCount() throws -> Int {
            try db.read { try Int.fetchOne($0, sql: "SELECT COUNT(*) FROM tickler_ledger WHERE outcome = 'fired'") ?? 0 }
        }
        var partial = 0
        var pids: [Int32] = []
        for round in 0..<20 {
            let daemon = try DaemonProcess(config: dir + "/tickler.yaml", notify: nil)
            pids.append(daemon.process.processIdentifier)
            if round % 2 == 0 {
                try await Task.sleep(for: .milliseconds(Int(rng.next() % 2450) + 50))
            } else {
                let target = min(cases - 1, try firedCount() + Int(rng.next() % 2000) + 1)
                let deadline = Date().addingTimeInterval(30)
                while daemon.process.isRunning, Date() < deadline, try firedCount() < target {
                    try await Task.sleep(for: .milliseconds(2))
                }
            }
            daemon.signal(SIGKILL)
            _ = daemon.wait()
            let n = try firedCount()
            if n > 0 && n < cases { partial += 1 }
        }
        // Some kills landed inside the burst (the ledger was part-way), which is what this test is about.
        #expect(partial > 0)
        // A final run finishes whatever the kills interrupted.
        let last = try DaemonProcess(config: dir + "/tickler.yaml", notify: nil, environment: [:], once: true)
        pids.append(last.process.processIdentifier)
        #expect(last.wait(timeout: 120) == 0)
        let ledger = try await store.ledger()
        let fired = ledger.filter { $0.outcome == .fired }
        #expect(fired.count == cases)
        #expect(Set(fired.map(\.caseID)).count == cases)
        #expect(Set(ledger.map(\.fireID)).count == ledger.count)
        #expect(fired.allSatisfy { $0.key.step == StepIndex(stage: 2) })
        #expect(ledger.filter { $0.outcome == .skipped }.count == cases)
        // The journal is a channel (the policy's only one): every fire of the ledger has its entry from one
        // of these runs, and a kill repeats at most the one entry it caught between journaling and marking.
        let journaled = try JournalQuery.values(of: "TICKLER_FIRE_ID", ["MESSAGE_ID=\(JournalEvent.escalationFired.messageID)"]
                                                    + pids.map { "_PID=\($0)" })
        let missing = Set(fired.map(\.fireID)).subtracting(journaled)
        #expect(missing.isEmpty, "\(missing.count) fires of the ledger never reached the journal")
        #expect(Set(journaled).isSubset(of: Set(fired.map(\.fireID))))
        #expect(journaled.count - Set(journaled).count <= 20)
        let unmarked = try await db.read { try Int.fetchOne($0, sql: "SELECT COUNT(*) FROM tickler_ledger WHERE journaled = 0") }
        #expect(unmarked == 0)
    }
}
