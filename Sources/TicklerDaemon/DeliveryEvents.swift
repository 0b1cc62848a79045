import Logging
import TicklerCore
import TicklerJournal
import TicklerStore

/// The journal entries of the delivery side: each attempt's outcome with the fire's fields plus
/// `TICKLER_CHANNEL`, `TICKLER_ATTEMPT` and `TICKLER_RECIPIENT`, and a channel's outage and recovery
/// (once each).
extension EventLog {
    func delivered(_ d: PendingDelivery, attempt: Int, file: String = #fileID, function: String = #function, line: UInt = #line) {
        record(.delivered, "Delivered \(what(d)) to \(redaction.recipient(d.recipient)) via \(d.channel) (attempt \(attempt))",
               fields(d, attempt: attempt), file: file, function: function, line: line)
    }

    /// `refusedBy`: a client message's medium that refused it for good; the message is not done (the next
    /// medium, or a staff task).
    func deliveryFailed(_ d: PendingDelivery, attempt: Int, error: String, retryAt: Instant?, refusedBy: Contact.Medium? = nil,
                        file: String = #fileID, function: String = #function, line: UInt = #line) {
        var f = fields(d, attempt: attempt)
        let reason = redaction.scrub(error)
        f["error"] = "\(reason)"
        f["will_retry"] = retryAt == nil && refusedBy == nil ? "no" : "yes"
        if let retryAt { f["next_attempt_at"] = "\(retryAt)" }
        if let refusedBy { f["medium"] = "\(refusedBy.rawValue)" }
        let then = retryAt.map { "will retry at \($0)" }
            ?? refusedBy.map { "refused by \($0.rawValue) for good: another medium, or a staff task, follows" }
            ?? "refused for good, not retried"
        record(.deliveryFailed, "Delivery of \(what(d)) to \(redaction.recipient(d.recipient)) via \(d.channel) failed "
                   + "(attempt \(attempt)), \(then): \(reason)", f, file: file, function: function, line: line)
    }

    /// An attempt made under a claim that ran out before it was recorded (this instance was stopped or cut
    /// off for longer than the lease): another instance holds the delivery now and sends it itself.
    func claimLost(_ d: PendingDelivery, attempt: Int, file: String = #fileID, function: String = #function, line: UInt = #line) {
        record(.claimLost, "Attempt \(attempt) of \(what(d)) via \(d.channel) was not recorded: its claim ran out during the send "
                   + "and another instance holds the delivery (it sends it with the same idempotency key)",
               fields(d, attempt: attempt), file: file, function: function, line: line)
    }

    /// A client message held (quiet hours, the undo window) or not sent (the case changed, no consent…),
    /// with the reason and never the client's data; a message that cannot reach the client and must not be
    /// lost is a task for staff (priority 4).
    func clientMessageSettled(_ d: PendingDelivery, _ result: DeliveryResult,
                              file: String = #fileID, function: String = #function, line: UInt = #line) {
        var f = fields(d, attempt: d.attempts)
        switch result {
        case .held(let until, let reason):
            f["reason"] = "\(reason)"
            f["next_attempt_at"] = "\(until)"
            record(.clientMessageHeld, "Client message \(what(d)) to \(d.recipient) held until \(until): \(reason)", f,
                   file: file, function: function, line: line)
        case .cancelled(let reason):
            f["reason"] = "\(reason)"
            record(.clientMessageNotSent, "Client message \(what(d)) to \(d.recipient) not sent: \(reason)", f,
                   file: file, function: function, line: line)
        case .replacedByTask(let task):
            f["reason"] = "\(task.reason)"
            f["task_id"] = "\(task.id)"
            record(.clientStaffTask, "Client message \(what(d)) to \(d.recipient) cannot be sent (\(task.reason)): staff task "
                       + "\(task.id) for the case's assignee", f, file: file, function: function, line: line)
        case .delivered, .retry, .failed, .refused, .sentToClient:
            break
        }
    }

    func channelOutage(_ channel: String, reason: String) {
        record(.channelOutage, "channel \(channel) unreachable, deliveries stay queued and are retried: \(redaction.scrub(reason))",
               ["channel": "\(channel)", "error": "\(redaction.scrub(reason))"])
    }

    func channelRecovered(_ channel: String) {
        record(.channelRecovered, "channel \(channel) recovered", ["channel": "\(channel)"])
    }

    private func what(_ d: PendingDelivery) -> String {
        if let g = d.digest { return "the digest of \(g.day)" }
        if let r = d.reply {
            return "a client's text forwarded to staff" + (d.caseNumber.isEmpty ? " (\(r.route.rawValue))" : " for case \(d.caseNumber)")
        }
        guard let f = d.fire else { return "fire \(d.sourceID)" }
        return "\(f.action == .escalate ? "escalation" : "reminder") \(f.policy) stage \(f.stage) for case \(d.caseNumber)"
    }

    private func fields(_ d: PendingDelivery, attempt: Int) -> Logger.Metadata {
        var m: Logger.Metadata = [
            "channel": "\(d.channel)", "attempt": "\(attempt)", "recipient": "\(redaction.recipient(d.recipient))",
        ]
        // What is delivered: a fire (TICKLER_FIRE_ID, as in the fire's own entry) or a digest.
        m[d.kind == .digest ? "digest_id" : d.kind == .reply ? "reply_id" : "fire_id"] = "\(d.sourceID)"
        if let r = d.reply, let caseID = r.caseID {
            m["case_id"] = "\(caseID)"
            m["case_number"] = "\(d.caseNumber)"
        }
        if let f = d.fire {
            m["case_id"] = "\(f.caseID)"
            m["case_number"] = "\(d.caseNumber)"
            m["policy"] = "\(f.policy)"
            m["stage"] = "\(f.stage)"
            m["repeat"] = "\(f.repeatNumber)"
            m["action"] = "\(f.action.rawValue)"
            m["subject"] = "\(f.subject)"
            m["due_at"] = "\(f.due)"
            m["recipients"] = .array(redaction.recipients(f.recipients).map { .string($0) })
        }
        if let g = d.digest { m["digest_day"] = "\(g.day)" }
        return m
    }
}
