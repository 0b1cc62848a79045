import Logging
import TicklerCore

/// Writes `ticklerd`'s events: structured journal entries (MESSAGE_ID, PRIORITY, TICKLER_* fields) through
/// the logger's handler. Only ids, numbers and policy names are written: the evaluation snapshot holds
/// no client names, and addresses are redacted unless `journal.include_client: true`.
public struct EventLog: Sendable {
    public let logger: Logger
    /// `journal.include_client`: set from the configuration when it is loaded.
    var redaction = Redaction(includeClient: false)

    public init(logger: Logger) { self.logger = logger }

    public func record(_ event: JournalEvent, _ message: String, _ fields: Logger.Metadata = [:],
                       file: String = #fileID, function: String = #function, line: UInt = #line) {
        var metadata = fields
        metadata["message_id"] = .string(event.messageID)
        logger.log(level: Self.level(event.priority), "\(message)", metadata: metadata, file: file, function: function, line: line)
    }

    /// The swift-log level whose journal priority is `priority`.
    static func level(_ priority: Int) -> Logger.Level {
        switch priority {
        case ...2: .critical
        case 3: .error
        case 4: .warning
        case 5: .notice
        case 6: .info
        default: .debug
        }
    }

    /// One entry per fire: escalations at priority 4, reminders at 5.
    public func fired(_ f: Fire, explanation: String?, file: String = #fileID, function: String = #function, line: UInt = #line) {
        let escalation = f.action == .escalate
        var fields: Logger.Metadata = [
            "case_id": "\(f.caseID)", "case_number": "\(f.caseNumber)", "policy": "\(f.policy)",
            "stage": "\(f.key.step.stage)", "repeat": "\(f.key.step.repeatNumber)", "action": "\(f.action.rawValue)",
            "fire_id": "\(f.fireID)", "subject": "\(f.subject)", "due_at": "\(f.due)", "deliver_at": "\(f.deliverAt)",
            "recipients": .array(redaction.recipients(f.recipients).map { .string($0) }),
            "channels": .array(f.channels.map { .string($0) }),
        ]
        if let explanation { fields["explanation"] = "\(explanation)" }
        record(escalation ? .escalationFired : .reminderFired,
               "\(escalation ? "Escalation" : "Reminder"): \(f.policy) \(f.key.step) for case \(f.caseNumber) (\(f.subject)), "
                   + "due \(f.due), to \(f.recipients.isEmpty ? "nobody" : redaction.recipients(f.recipients).joined(separator: ", "))",
               fields, file: file, function: function, line: line)
    }

    /// A fire named inactive people: each is skipped and their manager notified instead (priority 4).
    public func redirected(_ f: Fire, to recipients: [String]) {
        for id in f.redirectedFrom {
            record(.recipientRedirected,
                   "\(id) is inactive: skipped for \(f.policy) \(f.key.step) on case \(f.caseNumber), their manager is notified",
                   ["person": "\(id)", "case_id": "\(f.caseID)", "case_number": "\(f.caseNumber)", "policy": "\(f.policy)",
                    "stage": "\(f.key.step.stage)", "fire_id": "\(f.fireID)",
                    "recipients": .array(redaction.recipients(recipients).map { .string($0) })])
        }
    }
}
