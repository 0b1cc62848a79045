import Logging
import TicklerConfig
import TicklerCore
import TicklerJournal
import TicklerStore

/// After a reload: each pending computed deadline that the new rules or calendars moved, journaled at
/// priority 4, so that no deadline moves later in silence. The next tick re-evaluates its cycles.
struct MovedDeadlineScan {
    let store: any FirmStore
    let old: DeadlineRuleSet
    let config: Configuration
    let events: EventLog

    /// Reads the firm a step at a time; a store that cannot be read ends the scan (the reload goes on).
    func run(now: Instant) async {
        let zone = config.calendars["court"]?.zone ?? config.defaultCalendar.zone
        var cursor: CaseCursor?
        repeat {
            guard let (chunk, next) = try? await store.chunk(after: cursor, size: Daemon.rescanStep, detail: .evaluation, ledger: false,
                                                             holds: false) else { return }
            for m in DeadlineImpact.moves(cases: chunk.cases, old: old, new: config.deadlineRuleSet, now: now) {
                let from = m.from.map(zone.format) ?? "none", to = m.to.map(zone.format) ?? "none"
                var fields: Logger.Metadata = ["case_id": "\(m.caseID)", "case_number": "\(m.caseNumber)",
                                               "subject": "\(m.subject)", "direction": "\(m.direction)"]
                if let f = m.from { fields["from"] = "\(f)" }
                if let t = m.to { fields["to"] = "\(t)" }
                events.record(.deadlineMoved, "deadline \(m.subject) of case \(m.caseNumber) \(m.direction): \(from) → \(to)", fields)
            }
            cursor = next
        } while cursor != nil
    }
}
