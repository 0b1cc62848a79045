import Testing
import TicklerCore
import TicklerStore
@testable import TicklerDaemon

/// What the daemon keeps between ticks, as a value: each rule about it without a store or a clock.
struct DaemonMemoryTests {
    let chicago = ZoneRules(identifier: "America/Chicago")!
    let at = RFC3339.parse("2026-09-08T14:41:00Z")!

    @Test func theStatusLineBeforeAnyTickWhileCatchingUpAndAfter() {
        var m = DaemonMemory()
        #expect(m.status(catchingUp: true, storeDown: false, zone: chicago) == "catching up · 0 open cases · no tick yet")
        for id in ["c1", "c2", "c3"] { m.noteCase(id, open: true) }
        m.noteCase("c2", open: false)
        m.health.deliveryHealth.retrying = 2
        m.health.deliveryHealth.failed = 1
        m.tickEnded(at: at, milliseconds: 120, fired: 37)
        // The last tick's time on the firm's clock: 09:41 in Chicago (CDT).
        #expect(m.status(catchingUp: false, storeDown: false, zone: chicago)
                == "2 open cases · 37 cycles due · last tick 09:41:00 in 120 ms · 3 delivery errors")
        #expect(m.status(catchingUp: false, storeDown: true, zone: chicago).hasSuffix("3 delivery errors · store unavailable"))
        m.health.clockOffset = .seconds(-61)
        #expect(m.status(catchingUp: false, storeDown: false, zone: .utc)
                == "2 open cases · 37 cycles due · last tick 14:41:00 in 120 ms · 3 delivery errors · degraded: clock off by -61 s from the database's")
        m.health.clockOffset = .seconds(60)
        #expect(!m.status(catchingUp: false, storeDown: false, zone: .utc).contains("degraded"))
    }

    @Test func aTickCountsItsFiresInTheLapAndSinceTheRestart() {
        var m = DaemonMemory()
        m.tickEnded(at: at, milliseconds: 5, fired: 3)
        m.tickEnded(at: at.adding(seconds: 1), milliseconds: 6, fired: 4)
        #expect(m.sweep.recorded == 7 && m.sweep.recordedSinceRestart == 7)
        #expect(m.lastTick == .init(at: at.adding(seconds: 1), milliseconds: 6, fired: 4))
        m.restartSweep()
        #expect(m.sweep.recorded == 0 && m.sweep.recordedSinceRestart == 0)
    }

    @Test func aRestartedSweepReadsTheStaffAgainAndWakesEveryCaseAgain() {
        var m = DaemonMemory()
        m.staff.stale = false
        m.claims.catchUpWoken = true
        m.sweep.done = 40
        m.feed = 12
        m.restartSweep()
        #expect(m.staff.stale && !m.claims.catchUpWoken && m.sweep.done == 0 && m.sweep.cursor == nil)
        // The feed read so far stays: a restarted sweep is not another store.
        #expect(m.feed == 12)
    }

    @Test func anotherStoreForgetsWhatWasLearntOfTheOld() {
        var m = DaemonMemory()
        m.feed = 99
        m.noteCase("c1", open: true)
        m.health.deliveryHealthAt = at
        let bad = BadRow(table: "cases", id: "c9", caseID: "c9", problem: "bad date")
        var first = m.badRows.report([bad], caseIDs: nil)
        let again = m.badRows.report([bad], caseIDs: nil)
        #expect(first == [bad] && again.isEmpty)
        m.forgetStore()
        #expect(m.feed == 0 && m.openCases.isEmpty && m.health.deliveryHealthAt == nil)
        // The same bad row in the new store is journaled again.
        first = m.badRows.report([bad], caseIDs: nil)
        #expect(first == [bad])
    }
}

struct ServiceHealthTests {
    let at = RFC3339.parse("2026-09-08T14:41:00Z")!

    @Test func theQueueIsReadAgainOnActivityOrOnceAMinute() {
        var h = ServiceHealth()
        #expect(h.deliveryHealthDue(now: at, activity: false))  // never read
        h.deliveryHealthAt = at
        #expect(!h.deliveryHealthDue(now: at.adding(seconds: 59), activity: false))
        #expect(h.deliveryHealthDue(now: at.adding(seconds: 59), activity: true))
        #expect(h.deliveryHealthDue(now: at.adding(seconds: 60), activity: false))
    }

    @Test func clocksThatDifferAreJournaledOnceAndOnceWhenTheyAgree() {
        var h = ServiceHealth()
        var news: [ServiceHealth.ClockNews?] = []
        var degraded: [Bool] = []
        for ms in [1000, -1001, 5000, 61_000, 200, 200] as [Int64] {
            news.append(h.clockMeasured(.milliseconds(ms)))
            degraded.append(h.clockDegraded)
        }
        #expect(news == [nil, .off(.milliseconds(-1001)), nil, nil, .agrees(.milliseconds(200)), nil])
        #expect(degraded == [false, false, false, true, false, false])
        #expect(h.clockOffset == .milliseconds(200))
    }

    @Test func anUnwritableMetricsFileIsJournaledOncePerRunOfFailures() {
        var h = ServiceHealth()
        let journaled = [false, false, true, false].map { h.metricsWritten(ok: $0) }
        #expect(journaled == [true, false, false, true])
    }
}
