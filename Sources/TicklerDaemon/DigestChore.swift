import Logging
import Synchronization
import TicklerConfig
import TicklerCore
import TicklerJournal
import TicklerStore

/// The daily digests: once per person and business day, everyone who has open follow-ups gets the list of
/// them, claimed in the store (so an earlier run's or another instance's claim is not queued twice).
struct DigestChore {
    let store: any FirmStore
    let config: Configuration
    /// The staff as the daemon knows them (the evaluation's recipients).
    let staff: Staff
    let events: EventLog

    /// Claims and queues the digests of `day`: a full evaluation lists each cycle whose last fired step is
    /// still open. Returns how many were queued now (none when an earlier run claimed them).
    func run(_ day: LocalDate, _ digest: DigestSettings, now: Instant) async throws -> Int {
        let people = Staff(try await store.people().people)
        let evaluation = FirmEvaluation(policies: config.policies, rules: config.deadlineRuleSet, staff: staff)
        // The firm is read a chunk at a time; only the open follow-ups are kept.
        let open = Mutex([String: [DigestEntry]]())
        try await store.eachChunk(size: 8192, detail: .evaluation, ledger: true, holds: false) { chunk in
            var part: [String: [DigestEntry]] = [:]
            for c in chunk.cases {
                for o in evaluation.openFollowUps(c, ledger: chunk.ledger, now: now).open {
                    for r in o.recipients where people.people[r] != nil { part[r, default: []].append(DigestEntry(o)) }
                }
            }
            open.withLock { $0.merge(part, uniquingKeysWith: +) }
        }
        let byPerson = open.withLock { $0 }
        var queued = 0
        for (person, entries) in byPerson.sorted(by: { $0.key < $1.key }) {
            if try await store.claimDigest(id: DigestSchedule.id(person: person, day: day), person: person, day: day,
                                           entries: entries.sorted(by: DigestEntry.precedes), channel: digest.via, now: now) {
                queued += 1
            }
        }
        if queued > 0 {
            events.record(.digestQueued, "daily digests of \(day) queued for \(queued) people on \(digest.via)",
                          ["day": "\(day)", "people": "\(queued)", "channel": "\(digest.via)"])
        }
        return queued
    }
}
