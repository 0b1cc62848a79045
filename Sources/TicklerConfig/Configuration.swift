import TicklerCore

/// A validated `tickler.yaml`: everything the daemon and the commands need, with relative paths resolved.
public struct Configuration: Sendable {
    /// The file it was read from.
    public var path: String
    /// `firm.name`.
    public var firmName: String
    /// `calendars`, by name; `default` (UTC, Mon–Fri 09:00–17:00) when none is defined.
    public var calendars: [String: BusinessCalendar]
    /// The calendar of policies that name none: `defaults.calendar`, else `firm`, else the only one.
    public var defaultCalendar: BusinessCalendar
    /// `store`: where the case store lives.
    public var store: StoreLocation
    /// `store.lease` (PostgreSQL, default 30s): how long what an instance holds lasts without it: its open
    /// transaction (the server ends it), its delivery claims and the chores' lease (both renewed while it
    /// lives). A silent instance's work is taken over after it.
    public var storeLease: Int
    /// `poll`: `interval` (default 60s) and `full_rescan` (default 1h), in seconds.
    public var poll: PollSettings
    /// `channels`, by name; `journal` always exists.
    public var channels: [String: ChannelSettings]
    /// `journal.include_client` (default false): whether client names and addresses reach the journal.
    public var journalIncludesClient: Bool
    /// `policies`, in file order.
    public var policies: [Policy]
    /// `templates`: the directory of message templates; by default `templates/` beside the file, when
    /// it exists. Nil: the built-in templates only.
    public var templatesDirectory: String?
    /// `digest`: when each person's daily digest goes out, and through which email channel.
    public var digest: DigestSettings?
    /// `delivery: { retry_after, retry_max }`: the backoff of failed deliveries (default 30s doubling to 1h).
    public var retry: RetryPolicy
    /// `metrics: { textfile, mode, group }`: where each tick writes Prometheus text (node_exporter's textfile
    /// collector), and who may read it.
    public var metrics: MetricsFile?
    /// `deadline_rules`: deadlines computed from trigger events (Fed. R. Civ. P. 6(a)).
    public var deadlineRules: [DeadlineRule]
    /// Where `store:` was written (the file's start when it was left to its default).
    public var storeLocation: SourceLocation
    /// Every credential the channels and the store name, with where it was named.
    public var credentials: [CredentialReference]
    /// `clients:` and `stages:`: how client messages go, when the firm sends any.
    public var clients: ClientSettings?
    /// `sync: { clio: … }`: the practice-management account `tickler sync clio` follows, when there is one.
    public var clio: ClioSyncSettings?
    /// The mailboxes `tickler sync mail` reads, by name.
    public var mailboxes: [MailboxSettings] = []
    /// The firm's own court and holiday files (`courts:`), read before the shipped ones.
    public var courtsDirectory: String?
    /// The courts deadlines can be counted in.
    public var courts: CourtLibrary { .standard(firm: courtsDirectory) }

    /// Whether a deadline rule counts by a court (and so by its closures).
    public var countsByCourt: Bool { deadlineRules.contains { $0.court != nil } }

    /// This configuration with `closures` (the store's, by court) joined to the courts its deadline rules
    /// count by.
    public func withClosures(_ closures: [String: [CourtClosure]]) -> Configuration {
        guard countsByCourt else { return self }
        let resolver = CourtResolver(courts, closures: closures)
        var c = self
        c.deadlineRules = deadlineRules.map { rule in
            var rule = rule
            if rule.court != nil { rule.courts = resolver }
            return rule
        }
        return c
    }
    /// What works but reads badly, located: `tickler check-config` prints them; nothing refuses them.
    public var warnings: [Diagnostic] = []
    /// Where each stage of `stages:` was written (`AREA/ID`), for check-config's content checks.
    public var stageLocations: [String: SourceLocation] = [:]

    /// The computed-deadline rules, ready to apply to case snapshots.
    public var deadlineRuleSet: DeadlineRuleSet { DeadlineRuleSet(deadlineRules) }
}

/// Where the case store is.
public enum StoreLocation: Sendable, Equatable {
    /// A SQLite file (the embedded default).
    case sqlite(path: String)
    /// A PostgreSQL database, its password in the credential named (none: the server asks for none).
    case postgres(PostgresURL, passwordCredential: String?)

    /// How it is named in messages (a PostgreSQL URL without any secret).
    public var description: String {
        switch self {
        case .sqlite(let path): path
        case .postgres(let url, _): url.description
        }
    }
}

public struct PollSettings: Sendable, Equatable {
    /// Seconds between ticks.
    public var interval: Int
    /// Seconds between full rescans.
    public var fullRescan: Int

    public init(interval: Int = 60, fullRescan: Int = 3600) {
        self.interval = interval
        self.fullRescan = fullRescan
    }
}

/// A secret named by a channel or by the store (`password_credential`, `secret_credential`).
public struct CredentialReference: Sendable, Equatable {
    /// What names a credential.
    public enum Owner: Sendable, Equatable {
        case store
        case channel(String)
        /// A practice-management sync (`sync.clio`): read by `tickler sync`, not by the daemon.
        case sync(String)
        /// A mailbox (`mailboxes.NAME`): read by `tickler sync mail`, not by the daemon.
        case mailbox(String)
    }

    public var name: String
    public var owner: Owner
    public var location: SourceLocation

    /// The channel that names it; nil for the store's.
    public var channel: String? {
        if case .channel(let name) = owner { name } else { nil }
    }

    /// What names it, in messages.
    var ownerText: String {
        switch owner {
        case .store: "the store"
        case .channel(let name): "channel '\(name)'"
        case .sync(let name): "sync.\(name)"
        case .mailbox(let name): "mailbox '\(name)'"
        }
    }
}

extension Configuration {
    /// Each credential of `channels` (all when nil) that `secret` cannot read or reads empty, as an error
    /// where it is named. Checked at start, on reload and by `tickler test-channel`, so a missing secret is
    /// found before a delivery needs it.
    public func credentialProblems(channels: Set<String>? = nil,
                                   secret: (String) throws -> String) -> [Diagnostic] {
        credentials.filter { ref in channels.map { set in ref.channel.map(set.contains) ?? false } ?? true }.compactMap { ref in
            do {
                if try secret(ref.name).isEmpty { return ref.location.error("credential '\(ref.name)' of \(ref.ownerText) is empty") }
                return nil
            } catch {
                return ref.location.error("\(error) (\(ref.ownerText))")
            }
        }
    }
}
