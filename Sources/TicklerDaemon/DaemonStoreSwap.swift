import Foundation
import Logging
import Systemd
import TicklerConfig
import TicklerCore
import TicklerDelivery
import TicklerJournal
import TicklerSession
import TicklerStore

/// A store file replaced in place (a restore): the daemon closes it, opens the file again, and forgets
/// what it learnt from the old content.
extension Daemon {
    /// Closes the store whose file is gone or replaced: its lanes stop first, then its write-ahead log is
    /// folded into it and removed, so nothing of it is read into a file put at its path later.
    func closeStore() async {
        await deliveries.stop(bound: .seconds(5))
        await engine.close()
    }

    /// Opens the file now at the store's path. Another file than before is a new store: every case is
    /// evaluated afresh from it, and what it holds fires.
    func reopenStore() async {
        let reopened: StoreOpener.Opened
        var use = StoreOpener.Use(instance: claimant)
        use.busyTimeout = options.storeBusyTimeout
        do { reopened = try await StoreOpener.open(config.store, use) } catch {
            return await send(.storeReopenFailed(now: options.now(), reason: error.message, jitter: Double.random(in: 0..<1)))
        }
        let replaced = reopened.engine.fileIdentity != engine.fileIdentity
        // A restored file may hold claims of the run that wrote it: nobody's now (one daemon per store).
        do { try await reopened.engine.releaseStaleClaims() } catch {
            await reopened.engine.close()
            return await send(.storeReopenFailed(now: options.now(), reason: reopened.engine.describe(error),
                                                 jitter: Double.random(in: 0..<1)))
        }
        opened = reopened
        await deliveries.stop(bound: .seconds(5))  // lanes a reload made while the store was closed
        deliveries = makeDeliveries()
        if runner.serving { deliveries.start() }
        if replaced { forgetStoreState() }
        await send(.storeReopened(now: options.now(), replaced: replaced))
    }

    /// What this run learnt from the store's content: gone when the content is another (a replaced file, a
    /// restored backup), so the next tick reads every case.
    func forgetStoreState() {
        memory.forgetStore()
        metrics.resetOpen()
    }
}
