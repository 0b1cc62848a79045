import TicklerConfig
import TicklerCore
import TicklerDelivery
import TicklerJournal

/// The configuration in force and what is made from it, replaced as one by a good reload: its policies by
/// id, its message templates, when it was loaded, and the journal writer with addresses redacted as it says.
struct ConfigurationInForce: Sendable {
    var config: Configuration
    var policies: [String: Policy]
    var templates: TemplateCatalog
    /// When it was loaded (the start, or the last good reload).
    var loadedAt: Instant
    var events: EventLog

    /// `events`: the journal writer, whose redaction this configuration sets.
    init(_ config: Configuration, templates: TemplateCatalog, loadedAt: Instant, events: EventLog) {
        self.config = config
        self.policies = Dictionary(uniqueKeysWithValues: config.policies.map { ($0.id, $0) })
        self.templates = templates
        self.loadedAt = loadedAt
        var events = events
        events.redaction = Redaction(includeClient: config.journalIncludesClient)
        self.events = events
    }
}
