import Foundation
import Logging
import Systemd
import TicklerConfig
import TicklerCore
import TicklerDelivery
import TicklerJournal
import TicklerPostgres
import TicklerSession
import TicklerStore

/// A SQLite store replaced in place (a restore): the daemon closes it, opens the file again, and forgets
/// what it learnt from the old content.
extension Daemon {
    /// Closes the store whose file is gone or replaced: its lanes stop first, then its write-ahead log is
    /// folded into it and removed, so nothing of it is read into a file put at its path later.
    func closeStore() async {
        await deliveries.stop(bound: .seconds(5))
        sqlite?.close()
    }

    /// Opens the file now at the store's path. Another file than before is a new store: every case is
    /// evaluated afresh from it, and what it holds fires.
    func reopenStore() async {
        let opened: SQLiteCaseStore
        var use = StoreOpener.Use(instance: claimant)
        use.busyTimeout = options.storeBusyTimeout
        do {
            guard case .sqlite(let s, _) = try await StoreOpener.open(.sqlite(path: storePath), use) else { return }
            opened = s
        } catch {
            return await send(.storeReopenFailed(now: options.now(), reason: error.message, jitter: Double.random(in: 0..<1)))
        }
        let replaced = opened.identity != sqlite?.identity
        // A restored file may hold claims of the run that wrote it: nobody's now (one daemon per store).
        do { try await opened.releaseAllClaims() } catch {
            opened.close()
            return await send(.storeReopenFailed(now: options.now(), reason: SQLiteCaseStore.describe(error),
                                                 jitter: Double.random(in: 0..<1)))
        }
        self.opened = .sqlite(opened, path: storePath)
        await deliveries.stop(bound: .seconds(5))  // lanes a reload made while the store was closed
        deliveries = DeliveryService(config: config, templates: templates, store: opened, claimant: claimant, events: events, metrics: metrics,
                                     inFlight: inFlight, lease: Self.deliveryLease(config, postgres: postgres != nil), now: options.now,
                                     credentials: options.credentials)
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
