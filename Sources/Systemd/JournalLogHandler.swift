import Logging

/// A swift-log handler that writes each record as a structured journal entry: `MESSAGE`, `PRIORITY`,
/// `SYSLOG_IDENTIFIER`, `CODE_FILE`/`CODE_LINE`/`CODE_FUNC`, and every metadata key as a `TICKLER_*`
/// field (journald drops names it does not accept, so keys are mapped, never passed through). The
/// metadata key `message_id` becomes the entry's `MESSAGE_ID`; a list value repeats its field.
public struct JournalLogHandler: LogHandler {
    public var metadata: Logger.Metadata = [:]
    public var logLevel: Logger.Level = .info
    public let identifier: String

    public init(identifier: String) { self.identifier = identifier }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(level: Logger.Level, message: Logger.Message, metadata explicit: Logger.Metadata?, source: String,
                    file: String, function: String, line: UInt) {
        Journal.send(Self.entry(identifier: identifier, level: level, message: message.description,
                                metadata: self.metadata.merging(explicit ?? [:]) { $1 }, file: file, function: function,
                                line: line))
    }

    /// The journal entry for one record (separate so tests can check it without journald).
    public static func entry(identifier: String, level: Logger.Level, message: String, metadata: Logger.Metadata,
                             file: String, function: String, line: UInt) -> JournalEntry {
        var entry = JournalEntry()
        entry.append("MESSAGE", message)
        entry.append("PRIORITY", String(priority(level)))
        entry.append("SYSLOG_IDENTIFIER", identifier)
        if case .string(let id)? = metadata["message_id"] { entry.append("MESSAGE_ID", id) }
        entry.append("CODE_FILE", file)
        entry.append("CODE_LINE", String(line))
        entry.append("CODE_FUNC", function)
        for key in metadata.keys.sorted() where key != "message_id" {
            let name = JournalEntry.ticklerFieldName(key)
            switch metadata[key]! {
            case .array(let items): for item in items { entry.append(name, item.description) }
            case let value: entry.append(name, value.description)
            }
        }
        return entry
    }

    /// syslog priorities: debug 7, info 6, notice 5, warning 4, error 3, critical 2.
    public static func priority(_ level: Logger.Level) -> Int {
        switch level {
        case .trace, .debug: 7
        case .info: 6
        case .notice: 5
        case .warning: 4
        case .error: 3
        case .critical: 2
        }
    }
}
