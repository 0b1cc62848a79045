import TicklerCore

/// Everything a `tickler` command or a daemon may ask of a store, SQLite or PostgreSQL: the narrow
/// interfaces together, and closing it.
public protocol FirmStore: CaseStore, EvaluationSource, Ledger, Holds, ChangeFeed, HealthRecord, Wakes, DeliveryQueue, ClientDirectory,
    StaffTasks, SyncState, MailState, CourtClosures {
    /// Where it is, for messages (a file path, or a URL without its password).
    var displayName: String { get }
    /// The deliveries of each of `fireIDs`, in queue order.
    func deliveries(of fireIDs: [String]) async throws -> [String: [QueuedDelivery]]
    /// Ends every access; later calls fail.
    func shutdown() async
}
