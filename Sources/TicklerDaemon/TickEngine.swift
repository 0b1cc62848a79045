import TicklerCore
import TicklerSession
import TicklerStore

/// How a tick runs on one kind of store. The daemon holds the engine of the store it opened and never asks
/// which store that is: SQLite's engine reads the change feed, the due wakes and a slice of the sweep and
/// records each chunk in a transaction of its own (`SQLiteTickEngine`); PostgreSQL's claims due cases
/// among several instances (`ClaimTickEngine`). Both evaluate and journal through the one `ChunkRecorder`.
protocol TickEngine: Sendable {
    /// One tick of `kind`: reads, evaluates, records and journals what fires, and keeps the daemon's memory.
    func tick(_ kind: Daemon.Machine.TickKind, on daemon: isolated Daemon) async throws -> Daemon.TickResult
    /// Before a tick: why the store may not be used (its file is no longer the one opened), or nil.
    func storeMoved() -> Daemon.Machine.TickOutcome?
    /// A store error in words for the journal.
    func describe(_ error: any Error) -> String
    /// Whether several instances share the store (claims under a lease, the instance's name in the journal).
    var shared: Bool { get }
    /// The store file opened (device and inode), for the journal; nil when the store is no file.
    var fileIdentity: String? { get }
    /// At the start (and when the store is opened again): claims of deliveries left by an earlier run that
    /// are nobody's now are let go (on a shared store they expire with their lease instead).
    func releaseStaleClaims() async throws
    /// At a stop, once nothing uses the store any more: gives up what it holds and closes it.
    func close() async
}

extension StoreOpener.Opened {
    /// The tick engine of this store.
    var engine: any TickEngine {
        switch self {
        case .sqlite(let s, let path): SQLiteTickEngine(store: s, path: path)
        case .postgres(let p): ClaimTickEngine(store: p)
        }
    }
}
