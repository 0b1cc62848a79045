/// Wakes a delivery lane early: the poll loop kicks it when new deliveries are queued, `stop` when the
/// service stops. A kick that comes while the lane is busy is kept for its next wait.
actor LaneSignal {
    private var kicked = false
    private var waiter: (id: Int, continuation: CheckedContinuation<Void, Never>)?
    private var nextID = 0

    func kick() {
        if let w = waiter {
            waiter = nil
            w.continuation.resume()
        } else {
            kicked = true
        }
    }

    /// Returns after `duration`, or at once on a kick.
    func wait(_ duration: Duration) async {
        if kicked {
            kicked = false
            return
        }
        nextID += 1
        let id = nextID
        await withCheckedContinuation { c in
            waiter = (id, c)
            Task {
                try? await Task.sleep(for: duration)
                self.timeOut(id)
            }
        }
    }

    private func timeOut(_ id: Int) {
        guard let w = waiter, w.id == id else { return }
        waiter = nil
        w.continuation.resume()
    }
}
