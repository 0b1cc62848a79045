import TicklerCore

/// Staff tasks (`StaffTask`): written by the client queue when a message cannot go (with the message's
/// cancellation, `DeliveryResult.replacedByTask`), read with each case's snapshot, listed and closed here.
/// Closing one puts its case on the change feed, so the policy that tells staff stops at once.
public protocol StaffTasks: Sendable {
    /// Tasks of a case (every case when nil), oldest first: not marked done, or all of them. A task whose
    /// outbound contact was made is still listed here; `StaffTask.isOpen(in:)` says so from the case.
    func staffTasks(caseID: String?, includeDone: Bool) async throws -> [StaffTask]
    /// Marks task `id` done by `user` for `reason`; nil when no task has that id, the task as it was when it
    /// was already done.
    func closeStaffTask(id: String, by user: String, reason: String, now: Instant) async throws -> StaffTask?
}
