import TicklerCore

/// What was written to the case tables, in order: every write by any writer is on the feed (triggers), so
/// a tick reads only what changed.
public protocol ChangeFeed: Sendable {
    /// The cases touched in the (at most `limit`) entries after `sequence`, whether people changed, and the
    /// sequence to ask from next.
    func changes(after sequence: Int64, limit: Int) async throws -> ChangeSet
    /// Drops the entries up to `sequence` once every reader has seen them, at most `limit` of them (the
    /// oldest): a feed of millions is pruned over several calls, none holding the store for long.
    func pruneChanges(through sequence: Int64, limit: Int) async throws
    /// The last sequence written; it goes back only when the store's content is put back (a restore).
    func generation() async throws -> Int64
}
