import TicklerCore

/// Holds on a case's follow-ups: snoozes (a case, or one of its policies, until an instant) and acks (one
/// cycle, after a fire). Ending one keeps it for the record; writing one puts its case on the change feed.
public protocol Holds: Sendable {
    func snooze(caseID: String, policy: String?, until: Instant, reason: String, by user: String, now: Instant) async throws
        -> Int64
    func ack(_ fire: LedgerEntry, until: Instant, reason: String, by user: String, now: Instant) async throws -> Int64
    /// Ends hold `id`; false when there is none in force by that id.
    func endHold(id: Int64, now: Instant) async throws -> Bool
    /// Holds of a case (every case when nil): those in force at `now`, or all of them.
    func holds(caseID: String?, now: Instant, all: Bool) async throws -> [HoldRecord]
}
