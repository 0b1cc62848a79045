import Synchronization
import TicklerCore
import TicklerStore

/// The lease of the deliveries this instance has claimed: each claim lasts `lease` and is renewed every
/// third of it while the instance lives, so a send may take longer than the lease, yet the claims of an
/// instance that died, was stopped (SIGSTOP) or lost the database run out within `lease` and are taken
/// over. A lane starts a send only while its claim is known to hold for another third of the lease: an
/// instance that has not renewed for two thirds of it (a stall, a partition) sends nothing more from the
/// batch, which another instance may be sending by then.
final class ClaimHeartbeat: Sendable {
    let lease: Duration
    /// When the last renewal that succeeded was asked for (its claims hold until then + `lease`).
    private let renewed = Mutex<ContinuousClock.Instant?>(nil)

    init(lease: Duration) { self.lease = lease }

    /// Whether claims made at `claimedAt` (or renewed since) still hold for a third of the lease.
    func holds(claimedAt: ContinuousClock.Instant, at now: ContinuousClock.Instant = .now) -> Bool {
        let last = renewed.withLock { r in r.map { max($0, claimedAt) } ?? claimedAt }
        return last + lease - now >= lease / 3
    }

    /// Renews the claims of `claimant` every third of the lease until cancelled. A renewal that fails (the
    /// store is unreachable) is tried again at the next beat; the lanes stop sending once the claims are
    /// no longer known to hold.
    func run(store: any DeliveryQueue, claimant: String, clock: any InstantClock) async {
        while !Task.isCancelled {
            try? await Task.sleep(for: lease / 3)
            if Task.isCancelled { return }
            let asked = ContinuousClock.now
            if (try? await store.renew(claimsOf: claimant, now: clock.now, lease: lease)) != nil {
                renewed.withLock { $0 = asked }
            }
        }
    }
}
