import TicklerCore

/// The ledger: every fire and skipped step, recorded once by its key. Recording a fire queues its
/// deliveries and writes its outbox rows in the same transaction; its journal entry is marked once
/// journald took it, so a crash in between is made good by journaling it again.
public protocol Ledger: Sendable {
    /// Records fires and skipped steps, each once (a key already there is left as it is), with the new
    /// fires' deliveries, and sets the cases' wakes in the same transaction; returns the fires newly
    /// recorded.
    func record(fires: [Fire], skipped: [SkippedStep], explanations: [String: String], channels: [String: ChannelSettings],
                wakes: [CaseWake], now: Instant) async throws -> [Fire]
    /// Journals `fires` with `send` one by one, marking each that journald took; returns how many were.
    func journal(_ fires: [Fire], send: @escaping @Sendable (Fire) -> Bool) async throws -> Int
    /// Recorded fires whose journal entry was never marked, oldest first, and the ids of such rows that
    /// cannot be read back.
    func unjournaledFires(limit: Int) async throws -> (fires: [(Fire, explanation: String?)], unreadable: [String])
    /// Entries, newest last, of a case, a policy, since an instant (each filter optional).
    func ledger(caseID: String?, policy: String?, since: Instant?) async throws -> [LedgerEntry]
    /// A fire by its id; nil for an id no fire has (a skipped step is not looked up by id: nothing was sent
    /// for it, and its row is not in the index of fire ids).
    func ledgerEntry(fireID: String) async throws -> LedgerEntry?
    /// The ids of fires (not of skipped steps) that begin with `prefix` (hex digits, as `tickler history`
    /// prints 12 of them), at most `limit`, in order.
    func fireIDs(prefix: String, limit: Int) async throws -> [String]
}
