import Foundation
import Logging

/// One readable line per record on standard error, for a person running the service in a terminal:
/// `2026-11-29T09:41:00Z notice: Escalation: … [fire 083ce8b8…]`. Structured fields go to the journal.
public struct ConsoleLogHandler: LogHandler {
    public var metadata: Logger.Metadata = [:]
    public var logLevel: Logger.Level = .info

    public init() {}

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(level: Logger.Level, message: Logger.Message, metadata explicit: Logger.Metadata?, source: String,
                    file: String, function: String, line: UInt) {
        var text = ISO8601DateFormatter().string(from: Date()) + " \(level): \(message)"
        if case .string(let id)? = explicit?["fire_id"] { text += " [fire \(id)]" }
        FileHandle.standardError.write(Data((text + "\n").utf8))
    }
}
