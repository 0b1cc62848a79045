import Foundation
import TicklerCore
import TicklerStore

/// What the daemon has learnt of the firm and of itself between ticks: the staff as last read, the open
/// cases, the rows it cannot read, how far it has read the change feed, the sweep, the last tick, and its
/// health. A value, changed only by the ticks and by the runner's actions (a sweep restarted, a store
/// replaced), so each rule about it is tested without a store or a clock.
struct DaemonMemory {
    /// The firm's people, re-read when a catch-up begins or when the change feed says they changed.
    var staff = StaffCache()
    var openCases = Set<String>()
    /// Rows of the store that cannot be read: each journaled once while it stays bad.
    var badRows = BadRowLog()
    /// The change feed read up to here.
    var feed: Int64 = 0
    /// Where the sweep that evaluates every case again, a slice per tick, has come.
    var sweep = SweepProgress()
    /// Ticks started since the daemon was made.
    var ticks = 0
    var lastTick: LastTick?
    /// The last business day whose digests were claimed by this run.
    var lastDigestDay: LocalDate?
    var health = ServiceHealth()
    /// PostgreSQL: the store's counters as last read, whether this catch-up has woken every case, the
    /// leases held.
    var claims = ClaimProgress()

    struct StaffCache {
        var people = Staff.empty
        var stale = true
    }

    struct LastTick: Equatable {
        var at: Instant
        var milliseconds: Int
        var fired: Int
    }

    struct ClaimProgress {
        var generations: StoreGenerations?
        var catchUpWoken = false
        var leasesHeld: [String] = []
    }

    /// A catch-up begins: the sweep starts from the first case, the staff are read again, and (on
    /// PostgreSQL) every case is woken again.
    mutating func restartSweep() {
        sweep.restart()
        staff.stale = true
        claims.catchUpWoken = false
    }

    /// The store's content is another (a replaced file, a restored backup): what was learnt from the old
    /// content is forgotten, so the next tick reads every case.
    mutating func forgetStore() {
        feed = 0
        badRows = BadRowLog()
        health.deliveryHealthAt = nil
        openCases = []
    }

    /// Case `id` was read: open or not.
    mutating func noteCase(_ id: String, open: Bool) {
        if open { openCases.insert(id) } else { openCases.remove(id) }
    }

    /// A tick ended at `at` after `milliseconds`, having recorded `fired` fires.
    mutating func tickEnded(at: Instant, milliseconds: Int, fired: Int) {
        lastTick = LastTick(at: at, milliseconds: milliseconds, fired: fired)
        sweep.recorded += fired
        sweep.recordedSinceRestart += fired
    }

    /// `1,204 open cases · 37 cycles due · last tick 09:41:00 in 120 ms · 0 delivery errors`; while catching
    /// up, `catching up: 12,288 of 1,000,000 cases · …`; the last tick's time read in `zone`.
    func status(catchingUp: Bool, storeDown: Bool, zone: ZoneRules) -> String {
        var cases = openCases.count.formatted(.number.grouping(.automatic)) + " open cases"
        if let progress = sweep.catchingUpText(catchingUp) { cases = progress + " · " + cases }
        var notes = storeDown ? " · store unavailable" : ""
        if health.clockDegraded {
            notes += " · degraded: clock off by \(health.clockOffset.milliseconds / 1000) s from the database's"
        }
        guard let t = lastTick else { return cases + " · no tick yet" + notes }
        let clock = String(zone.format(t.at).dropFirst(11).prefix(8))
        return "\(cases) · \(t.fired) cycles due · last tick \(clock) in \(t.milliseconds) ms · "
            + "\(health.deliveryErrors) delivery errors\(notes)"
    }
}
