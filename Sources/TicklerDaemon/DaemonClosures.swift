import TicklerConfig
import TicklerCore
import TicklerStore

/// Court closures recorded in the store (`tickler closure add`): read before each tick when a deadline rule
/// counts by a court (a handful of rows), joined to those rules; a change journals each pending deadline it
/// moves once and evaluates every case again, so their reminders follow.
extension Daemon {
    func refreshClosures() async throws {
        guard config.countsByCourt else { return }
        let recorded = try await store.courtClosures()
        guard recorded != closures else { return }
        let first = closures == nil
        let oldRules = config.deadlineRuleSet
        let next = config.withClosures(recorded)
        closures = recorded
        inForce = ConfigurationInForce(next, templates: inForce.templates, loadedAt: inForce.loadedAt, events: inForce.events)
        // The first read is the start's: the closures were in force before, nothing moves.
        guard !first else { return }
        await MovedDeadlineScan(store: store, old: oldRules, config: next, events: inForce.events).run(now: options.now())
        memory.restartSweep()
    }
}
