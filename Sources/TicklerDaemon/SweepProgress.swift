import Foundation
import TicklerStore

/// Where the sweep is in its lap of the firm: the cursor of its next slice and how far it has come. While
/// the daemon catches up, a lap is the catch-up (its figures are in STATUS= and `tickler status`).
struct SweepProgress {
    /// After the last case swept; nil at the start of a lap.
    var cursor: CaseCursor?
    /// The cases in the store when the lap began (read by its first tick).
    var total: Int?
    /// Cases swept in this lap, and fires recorded by its ticks.
    var done = 0
    var recorded = 0
    /// Fires recorded since the catch-up began: on PostgreSQL the lap (waking every case) ends before the
    /// claims that evaluate them, so the catch-up's fires are counted apart from its lap.
    var recordedSinceRestart = 0
    var began = ContinuousClock.now
    /// The figures of the last lap completed: cases, fires recorded, seconds.
    private(set) var lastLap: (cases: Int, recorded: Int, seconds: Double)?

    /// Starts a lap from the first case (a catch-up begins).
    mutating func restart() {
        self = SweepProgress()
    }

    /// The slice ended at `next` (nil: at the last case) after `swept` cases.
    mutating func advance(to next: CaseCursor?, swept: Int) {
        done += swept
        cursor = next
        guard next == nil else { return }
        lastLap = (done, recorded, Double((ContinuousClock.now - began) / .milliseconds(1)) / 1000)
        total = nil
        done = 0
        recorded = 0
        began = ContinuousClock.now
    }

    /// `catching up: 12,288 of 1,000,000 cases` while catching up (`catching up` before its first tick).
    func catchingUpText(_ catchingUp: Bool) -> String? {
        guard catchingUp else { return nil }
        guard let total else { return "catching up" }
        return "catching up: " + done.formatted(.number.grouping(.automatic)) + " of " + total.formatted(.number.grouping(.automatic))
            + " cases"
    }
}
