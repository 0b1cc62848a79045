import TicklerCore

/// Wakes a delivery lane early: the poll loop kicks it when new deliveries are queued, `stop` when the
/// service stops. A kick that comes while the lane is busy is kept for its next wait.
actor LaneSignal {
    private var kicked = false
    /// The wait in progress: its continuation, and the sleep that ends it (cancelled by a kick).
    private var waiter: (id: Int, continuation: CheckedContinuation<Void, Never>, sleeper: Task<Void, Never>)?
    private var nextID = 0

    func kick() {
        if let w = waiter {
            waiter = nil
            w.sleeper.cancel()
            w.continuation.resume()
        } else {
            kicked = true
        }
    }

    /// Returns once `duration` has passed on `clock`, or at once on a kick.
    func wait(_ duration: Duration, on clock: any InstantClock) async {
        if kicked {
            kicked = false
            return
        }
        nextID += 1
        let id = nextID
        await withCheckedContinuation { c in
            let deadline = clock.now.advanced(by: duration)
            let sleeper = Task {
                try? await clock.sleep(until: deadline, tolerance: nil)
                self.timeOut(id)
            }
            waiter = (id, c, sleeper)
        }
    }

    private func timeOut(_ id: Int) {
        guard let w = waiter, w.id == id else { return }
        waiter = nil
        w.continuation.resume()
    }
}
