import Foundation
import TicklerCore
import TicklerStore

/// Instants as PostgreSQL's `timestamptz` carries them (microseconds; Tickler's instants are whole seconds,
/// a fraction written by an integration is dropped as an instant read from SQLite text would be).
extension Instant {
    init(_ date: Date) { self.init(seconds: Int64(date.timeIntervalSince1970.rounded(.down))) }

    var date: Date { Date(timeIntervalSince1970: TimeInterval(seconds)) }
}
