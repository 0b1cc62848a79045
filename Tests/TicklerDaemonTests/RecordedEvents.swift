import Logging
import Synchronization
@testable import TicklerDaemon
@testable import TicklerJournal

/// The events a daemon running in the test process journaled, kept in memory: (MESSAGE_ID, message, fields).
final class RecordedEvents: Sendable {
    struct Entry: Sendable {
        var messageID: String
        var message: String
        var fields: [String: String]
    }

    private let entries = Mutex<[Entry]>([])

    var all: [Entry] { entries.withLock { $0 } }

    func of(_ event: JournalEvent) -> [Entry] { all.filter { $0.messageID == event.messageID } }

    var log: EventLog {
        let handler = Handler(sink: self)
        return EventLog(logger: Logger(label: "recorded") { _ in handler })
    }

    fileprivate func append(_ e: Entry) { entries.withLock { $0.append(e) } }

    private struct Handler: LogHandler {
        let sink: RecordedEvents
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .trace

        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }

        func log(event: LogEvent) {
            var fields: [String: String] = [:]
            for (k, v) in event.metadata ?? [:] { fields[k] = "\(v)" }
            sink.append(Entry(messageID: fields["message_id"] ?? "", message: "\(event.message)", fields: fields))
        }
    }
}
