import ArgumentParser
import Foundation
import TicklerConfig
import TicklerCore
import TicklerSession
import TicklerStore

/// `--config` and `--store`, shared by every command.
struct CommonOptions: ParsableArguments {
    static let defaultConfigPath = "/etc/tickler/tickler.yaml"

    @Option(help: "The configuration file.")
    var config: String = CommonOptions.defaultConfigPath

    @Option(help: "A SQLite store file or a postgres:// URL to use instead of the configuration's store.")
    var store: String?

    /// The validated configuration, or exit 1 with every located error.
    func loadConfiguration() throws -> Configuration { try Self.loadConfiguration(path: config) }

    static func loadConfiguration(path: String) throws -> Configuration {
        do {
            return try ConfigurationLoader.load(path: path)
        } catch {
            throw CommandFailure.invalid(error.description)
        }
    }

    /// The configuration's deadline rules with the court closures `store` records joined to its courts.
    static func deadlineRules(_ config: Configuration, _ store: any FirmStore) async throws -> DeadlineRuleSet {
        guard config.countsByCourt else { return config.deadlineRuleSet }
        return config.withClosures(try await store.courtClosures()).deadlineRuleSet
    }

    /// The store named by `--store`, else by the configuration; exit 3 when it cannot be opened.
    func openStore(_ configuration: Configuration?, create: Bool = false) async throws -> any FirmStore {
        try await Self.openStore(override: store, configuration: configuration, create: create)
    }

    static func openStore(override store: String?, configuration: Configuration?, create: Bool = false) async throws -> any FirmStore {
        let location: StoreLocation
        if let s = store {
            if s.hasPrefix("postgres://") || s.hasPrefix("postgresql://") {
                switch PostgresURL.parse(s) {
                case .success(let url):
                    // The password is the configuration's store credential, when it names one.
                    var credential: String?
                    if let configuration, case .postgres(_, let c) = configuration.store { credential = c }
                    location = .postgres(url, passwordCredential: credential)
                case .failure(let problem): throw CommandFailure.usage("error: --store: \(problem)")
                }
            } else {
                location = .sqlite(path: s)
            }
        } else if let configuration {
            location = configuration.store
        } else {
            throw CommandFailure.invalid("no store: pass --store or a --config that names one")
        }
        do {
            return try await StoreOpener.open(location, create: create, instance: "tickler-\(getpid())")
        } catch {
            throw CommandFailure.unavailable(error.message)
        }
    }
}

/// Reads a point in time from the command line: RFC 3339 (`2026-10-01T09:00:00-07:00`), a date
/// (`2026-10-01`, midnight in `zone`), `now`, or `now` plus or minus whole calendar days in `zone` or elapsed
/// hours (`now+7d`, `now-12h`; see `RelativeTime`).
/// Every time is within years 1900 to 2199 (a usage error otherwise): arithmetic on it cannot overflow and
/// no command walks a calendar for thousands of years.
enum TimeArgument {
    static let earliest = Instant(seconds: Int64(LocalDate(year: 1900, month: 1, day: 1).dayNumber) * 86_400)
    static let latest = Instant(seconds: Int64(LocalDate(year: 2200, month: 1, day: 1).dayNumber) * 86_400 - 1)

    static func parse(_ text: String, option: String, zone: ZoneRules, now: Instant) throws -> Instant {
        let t = try instant(text, option: option, zone: zone, now: now)
        guard t >= earliest, t <= latest else {
            throw CommandFailure.usage("error: \(option) '\(text)' is out of range: times run from 1900 to 2199")
        }
        return t
    }

    private static func instant(_ text: String, option: String, zone: ZoneRules, now: Instant) throws -> Instant {
        if let relative = RelativeTime(parsing: text) {
            // 300 years at most either way: the arithmetic cannot overflow, and the range check follows.
            guard relative.amount.magnitude <= (relative.unit == .days ? 109_575 : 2_629_800) else {
                throw CommandFailure.usage("error: \(option) '\(text)' is out of range: times run from 1900 to 2199")
            }
            return relative.instant(from: now, in: zone)
        }
        if let t = RFC3339.parse(text) { return t }
        if let d = LocalDate(iso8601: text) { return zone.instant(date: d, secondOfDay: 0) }
        throw CommandFailure(
            message: "error: \(option) '\(text)' is not a time; use RFC 3339 (2026-10-01T09:00:00Z), a date (2026-10-01), now, or now+7d / now-12h",
            exitCode: 2)
    }

    static var wallClock: Instant { SystemClock().now }
}

/// Reports rows the store skipped, one warning each, without client data.
func warn(_ bad: [BadRow]) {
    for b in bad { Output.error("warning: \(b)") }
}
