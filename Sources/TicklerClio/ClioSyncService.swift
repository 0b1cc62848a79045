import TicklerCore
import TicklerStore

/// `tickler sync clio` as a service: the thin runner of `SyncSchedule`. It subscribes a webhook per model
/// (so that `tickler-inbound` hears of changes within seconds) and renews each well before it expires,
/// and reconciles every interval (a missed or failed delivery is caught there). What it does is told to
/// `report` for the journal; it runs until its task is cancelled, and a cancellation between two pages
/// leaves the cursors where the next run resumes.
public struct ClioSyncService: Sendable {
    public enum Event: Sendable {
        case outage(String)
        case recovered(afterSeconds: Int64)
        case passed(ClioSync.Outcome, requests: Int)
        case skipped(ClioMapping.Skipped)
        case subscribed(model: String, expiresAt: Instant)
    }

    /// The webhook events asked for: every change of a record.
    public static let events = ["created", "updated", "deleted"]
    /// The models with webhooks (Clio has none for users and relationships).
    public static var webhookModels: [ClioSync.Model] { ClioSync.models.filter { $0.webhookModel != nil } }

    public let sync: ClioSync
    public let webhookURL: String
    public let reconcile: Int64

    public init(sync: ClioSync, webhookURL: String, reconcile: Int64) {
        self.sync = sync
        self.webhookURL = webhookURL
        self.reconcile = reconcile
    }

    public func run(report: @Sendable (Event) -> Void) async throws {
        let clock = sync.clock
        let store = sync.store
        let known = try await store.syncWebhooks(source: ClioSync.source).filter { $0.status == "enabled" }
        var schedule = SyncSchedule(reconcile: reconcile, models: Self.webhookModels.compactMap(\.webhookModel), start: clock.now,
                                    expiries: Dictionary(known.map { ($0.model, $0.expiresAt) }, uniquingKeysWith: { a, _ in a }))
        var previous = try await store.syncRun(source: ClioSync.source)
        while !Task.isCancelled {
            let now = clock.now
            var change: SyncSchedule.Change?
            switch schedule.next(now: now) {
            case .wait(let until):
                do { try await clock.sleep(until: until, tolerance: nil) } catch { return }
                continue
            case .pass:
                var run = SyncRun(source: ClioSync.source, startedAt: now, syncedFrom: previous?.syncedFrom, error: previous?.error,
                                  errorSince: previous?.errorSince)
                let before = await sync.api.requests
                do {
                    try await store.saveSyncRun(run)
                    let outcome = try await sync.pass { report(.skipped($0)) }
                    run.finishedAt = clock.now
                    (run.written, run.current, run.skipped) = (outcome.written, outcome.current, outcome.skipped)
                    run.requests = await sync.api.requests - before
                    run.syncedFrom = outcome.syncedFrom
                    (run.error, run.errorSince) = (nil, nil)
                    try await store.saveSyncRun(run)
                    report(.passed(outcome, requests: run.requests))
                    change = schedule.passed(at: clock.now)
                } catch {
                    if Task.isCancelled { return }
                    run.finishedAt = clock.now
                    run.requests = await sync.api.requests - before
                    run.error = Self.reason(error)
                    run.errorSince = run.errorSince ?? now
                    try? await store.saveSyncRun(run)
                    change = schedule.failed(at: clock.now)
                    if case .outage = change { report(.outage(run.error ?? "")) }
                }
                previous = run
            case .subscribe(let model), .renew(let model):
                let renewing = schedule.expiries[model] != nil
                do {
                    let expiresAt = try await subscribe(model, renew: renewing)
                    report(.subscribed(model: model, expiresAt: expiresAt))
                    change = schedule.subscribed(model, expiresAt: expiresAt, at: clock.now)
                } catch ClioAPI.Failure.gone where renewing {
                    // Clio no longer has it (expired, or deleted in Clio): subscribed again next.
                    try? await store.removeSyncWebhook(source: ClioSync.source, model: model)
                    schedule.lost(model)
                } catch {
                    if Task.isCancelled { return }
                    change = schedule.failed(at: clock.now)
                    if case .outage = change { report(.outage(Self.reason(error))) }
                }
            }
            if case .recovered(let after) = change { report(.recovered(afterSeconds: after)) }
        }
    }

    /// Creates (or renews) a model's webhook and records it; a webhook still pending after its creation (the
    /// receiver could not answer the handshake at once) is activated with its secret. Returns its expiry.
    private func subscribe(_ model: String, renew: Bool) async throws -> Instant {
        let store = sync.store
        let expiresAt = SyncSchedule.expiry(from: sync.clock.now)
        let known = try await store.syncWebhooks(source: ClioSync.source).first { $0.model == model }
        let answer: Clio.Webhook
        if renew, let known {
            answer = try await sync.api.renewWebhook(id: known.id, expiresAt: expiresAt)
        } else {
            guard let fields = Self.webhookModels.first(where: { $0.webhookModel == model })?.fields else {
                throw ClioAPI.Failure.refused("no webhook for \(model)")
            }
            answer = try await sync.api.createWebhook(model: model, url: webhookURL, fields: fields, events: Self.events, expiresAt: expiresAt)
        }
        guard let id = answer.id, let secret = answer.shared_secret ?? (renew ? known?.secret : nil), !secret.isEmpty else {
            throw ClioAPI.Failure.unreadable("Clio's webhook for \(model) came without its id or secret")
        }
        let expiry = answer.expires_at.flatMap(RFC3339.parse) ?? expiresAt
        var webhook = SyncWebhook(source: ClioSync.source, model: model, id: String(id), secret: secret, status: answer.status ?? "pending",
                                  expiresAt: expiry)
        // Recorded before the activation: the receiver knows the secret of every delivery that follows.
        try await store.saveSyncWebhook(webhook)
        if webhook.status != "enabled" {
            try await sync.api.activateWebhook(id: webhook.id, secret: secret)
            webhook.status = "enabled"
            try await store.saveSyncWebhook(webhook)
        }
        return expiry
    }

    /// An error as the journal says it: Clio's failures say what failed, never a secret; others by type.
    public static func reason(_ error: any Error) -> String {
        if let f = error as? ClioAPI.Failure { return f.description }
        if let s = error as? StoreUnavailable { return "the store: \(s.message)" }
        return "the store: \(String(describing: type(of: error)))"
    }
}
