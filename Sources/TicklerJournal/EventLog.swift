import Logging
import Systemd
import TicklerCore

/// Writes `ticklerd`'s events: structured journal entries (MESSAGE_ID, PRIORITY, TICKLER_* fields) through
/// the logger's handler. Only ids, numbers and policy names are written: the evaluation snapshot holds
/// no client names, and addresses are redacted unless `journal.include_client: true`.
///
/// A fire's entry is its delivery on the journal channel, so writing one says whether journald took it:
/// entries go to journald directly (the `journal` identifier), and to `logger` as well (a terminal).
public struct EventLog: Sendable {
    public let logger: Logger
    /// The SYSLOG_IDENTIFIER entries are sent to journald under; nil: `logger` is the only destination.
    let journalIdentifier: String?
    /// `journal.include_client`: set from the configuration when it is loaded.
    package var redaction = Redaction(includeClient: false)
    /// The instance's name, written with every entry (`TICKLER_INSTANCE`) when several share a store.
    package var instance: String?

    /// `journal.include_client`, as the configuration says.
    public var includesClient: Bool {
        get { redaction.includeClient }
        set { redaction = Redaction(includeClient: newValue) }
    }

    /// A recipient as entries name it: an address or a number only as its digest, unless
    /// `journal.include_client` (see `Redaction`).
    public func redacted(_ recipient: String) -> String { redaction.recipient(recipient) }

    /// Entries go to `logger`, and straight to journald under `journal` when it is given.
    public init(logger: Logger, journal identifier: String? = nil) {
        self.logger = logger
        journalIdentifier = identifier
    }

    /// Writes one entry; false when journald refused it (not running, entry too large).
    @discardableResult
    public func record(_ event: JournalEvent, _ message: String, _ fields: Logger.Metadata = [:],
                       file: String = #fileID, function: String = #function, line: UInt = #line) -> Bool {
        var metadata = fields
        metadata["message_id"] = .string(event.messageID)
        if let instance { metadata["instance"] = .string(instance) }
        let level = Self.level(event.priority)
        logger.log(level: level, "\(message)", metadata: metadata, file: file, function: function, line: line)
        guard let journalIdentifier else { return true }
        let entry = JournalLogHandler.entry(identifier: journalIdentifier, level: level, message: message, metadata: metadata,
                                            file: file, function: function, line: line)
        return Journal.send(entry) == 0
    }

    /// The swift-log level whose journal priority is `priority`.
    package static func level(_ priority: Int) -> Logger.Level {
        switch priority {
        case ...2: .critical
        case 3: .error
        case 4: .warning
        case 5: .notice
        case 6: .info
        default: .debug
        }
    }

    /// One entry per fire: escalations at priority 4, reminders at 5. `resent`: the entry is written again
    /// because an earlier run recorded the fire and stopped before its entry was known to be written.
    /// Returns whether the entry was delivered.
    @discardableResult
    public func fired(_ f: Fire, explanation: String?, resent: Bool = false, file: String = #fileID,
                      function: String = #function, line: UInt = #line) -> Bool {
        let escalation = f.action == .escalate
        var fields: Logger.Metadata = [
            "case_id": "\(f.caseID)", "case_number": "\(f.caseNumber)", "policy": "\(f.policy)",
            "stage": "\(f.key.step.stage)", "repeat": "\(f.key.step.repeatNumber)", "action": "\(f.action.rawValue)",
            "fire_id": "\(f.fireID)", "subject": "\(f.subject)", "due_at": "\(f.due)", "deliver_at": "\(f.deliverAt)",
            "recipients": .array(redaction.recipients(f.recipients).map { .string($0) }),
            "channels": .array(f.channels.map { .string($0) }),
        ]
        if let explanation { fields["explanation"] = "\(explanation)" }
        if resent { fields["resent"] = "true" }
        return record(escalation ? .escalationFired : .reminderFired,
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
