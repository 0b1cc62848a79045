import Foundation
import Logging
import Systemd
import TicklerConfig
import TicklerCore
import TicklerDelivery
import TicklerJournal
import TicklerStore

/// Loading a configuration (off the poll loop), applying it between ticks, or refusing it with every error
/// located; the checks a configuration passes before it is used.
extension Daemon {
    /// Reads and checks the configuration file on a thread of its own: however long a load takes (a hung
    /// network mount, a huge file), it holds none of the few threads the daemon's tasks share, and the timer
    /// keeps feeding the watchdog meanwhile.
    func loadConfiguration() async {
        let (path, load) = (options.configPath, options.loadConfiguration)
        var result = await withCheckedContinuation { (done: CheckedContinuation<Loaded, Never>) in
            Thread.detachNewThread { done.resume(returning: Result { () throws(ConfigurationError) in try load(path) }) }
        }
        // The store this daemon holds (and locks) stays: switching stores is a restart, never a reload that
        // would report success while still watching the old one.
        if case .success(let (loaded, _)) = result, loaded.store != config.store || loaded.storeLease != config.storeLease {
            result = .failure(ConfigurationError(diagnostics: [loaded.storeLocation.error(
                "the store cannot change on reload (\(storePath) is in use); restart ticklerd to switch stores or change its lease")]))
        }
        self.loaded = result
        let settings = try? result.get().0
        await send(.configurationLoaded(settings.map { Self.settings($0, watchdog: options.notifier.watchdogInterval) }))
    }

    func applyConfiguration() async {
        guard case .success(let (loadedConfig, nextTemplates)) = loaded else { return }
        loaded = nil
        // The closures already joined stay joined: a reload journals only what the new file moves.
        let next = closures.map { loadedConfig.withClosures($0) } ?? loadedConfig
        let oldRules = config.deadlineRuleSet
        let old = inForce
        inForce = ConfigurationInForce(next, templates: nextTemplates, loadedAt: options.now(), events: old.events)
        if !oldRules.isEmpty || !next.deadlineRules.isEmpty {
            await MovedDeadlineScan(store: store, old: oldRules, config: next, events: old.events).run(now: options.now())
        }
        await deliveries.stop(bound: .seconds(5))
        await options.applying()
        deliveries = makeDeliveries()
        if machine.storeOpen { deliveries.start() }
        options.events.record(.configLoaded, "configuration reloaded from \(options.configPath): \(next.policies.count) policies",
                              ["config": "\(options.configPath)", "policies": "\(next.policies.count)"])
        options.notifier.notify(.ready)
    }

    func rejectConfiguration() {
        guard case .failure(let error) = loaded else { return }
        loaded = nil
        options.events.record(.reloadFailed, "reload failed, keeping the previous configuration:\n\(error.description)",
                              ["config": "\(options.configPath)",
                               "config_errors": .array(error.diagnostics.map { .string($0.description) })])
        options.notifier.notify(.ready)
    }

    /// The configuration at `path` and its templates, every problem located.
    nonisolated static func loadChecked(path: String) throws(ConfigurationError) -> (Configuration, TemplateCatalog) {
        let loaded = try ConfigurationLoader.load(path: path)
        let templates: TemplateCatalog
        do { templates = try TemplateCatalog.load(directory: loaded.templatesDirectory, policies: loaded.policies) } catch {
            throw ConfigurationError(diagnostics: error.problems.map {
                Diagnostic(file: $0.file, line: $0.line, column: $0.column, message: $0.message)
            })
        }
        try checkCredentials(loaded, Credentials())
        return (loaded, templates)
    }

    /// Every credential the channels name is readable and not empty (`$CREDENTIALS_DIRECTORY`).
    nonisolated static func checkCredentials(_ config: Configuration, _ credentials: Credentials) throws(ConfigurationError) {
        let problems = config.credentialProblems { try credentials.secret($0) }
        if !problems.isEmpty { throw ConfigurationError(diagnostics: problems) }
    }
}
