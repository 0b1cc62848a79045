import Foundation
import TicklerCore
import TicklerDelivery
import TicklerStore

/// Clio's webhook deliveries as `tickler-inbound` receives them at `/clio/webhook`:
/// - the handshake (`X-Hook-Secret`): answered 200 with the secret echoed only when it is the secret of a
///   webhook the sync subscribed (the store holds it); any other secret is refused, and a webhook whose
///   handshake came before the sync recorded it is activated by the sync itself;
/// - a delivery: its `X-Hook-Signature` checked against every webhook's secret before a byte of the body is
///   parsed (401 and nothing written otherwise); then only `data` and `meta {event, webhook_id}` are
///   accepted, `webhook_id` must be the signing webhook's, and the record is written through the store's
///   writer keyed on its version (`updated_at`): a repeated or older delivery writes nothing. A deleted
///   record's rows go. The answer (200) comes after the write committed; a store that fails answers 503,
///   and Clio delivers again later.
public struct ClioWebhookReceiver: Sendable {
    public static let path = "/clio/webhook"

    /// What became of a request, for the journal: ids only.
    public enum Outcome: Sendable, Equatable {
        case handshake(webhookID: String)
        case written(String)
        case current(String)
        case deleted(String)
        case skipped(ClioMapping.Skipped)
        case refused(String)
        case storeFailed
    }

    public struct Answer: Sendable, Equatable {
        public var status: Int
        public var headers: [String: String] = [:]
        public var body: String
        public var outcome: Outcome
    }

    let store: any SyncState
    let mapping: ClioMapping
    let now: @Sendable () -> Instant

    public init(store: any SyncState, mapping: ClioMapping, now: @escaping @Sendable () -> Instant) {
        self.store = store
        self.mapping = mapping
        self.now = now
    }

    public func handle(method: String, body: [UInt8], hookSecret: String?, signature: String?) async -> Answer {
        guard method == "POST" else { return Answer(status: 405, body: "POST only\n", outcome: .refused("method \(method)")) }
        let webhooks: [SyncWebhook]
        do { webhooks = try await store.syncWebhooks(source: ClioSync.source) } catch {
            return Answer(status: 503, body: "try again later\n", outcome: .storeFailed)
        }
        if let secret = hookSecret {
            guard let w = webhooks.first(where: { HookSignature.equal(Array($0.secret.utf8), Array(secret.utf8)) }) else {
                return Answer(status: 403, body: "unknown webhook\n", outcome: .refused("a handshake with an unknown secret"))
            }
            return Answer(status: 200, headers: ["X-Hook-Secret": secret], body: "ok\n", outcome: .handshake(webhookID: w.id))
        }
        guard let signature, let webhook = webhooks.first(where: { HookSignature.verify(signature, body: body, secret: $0.secret) }) else {
            return Answer(status: 401, body: "signature does not verify\n", outcome: .refused("bad signature"))
        }
        guard let (event, webhookID, data) = Self.envelope(body) else {
            return Answer(status: 400, body: "not a Clio delivery\n", outcome: .refused("not {data, meta: {event, webhook_id}}"))
        }
        guard webhookID == webhook.id else {
            return Answer(status: 401, body: "signature does not verify\n", outcome: .refused("signed by another webhook"))
        }
        do {
            return try await apply(event: event, model: webhook.model, data: data)
        } catch let refusal as Refusal {
            return Answer(status: 400, body: "not a Clio \(webhook.model)\n", outcome: .refused(refusal.reason))
        } catch {
            return Answer(status: 503, body: "try again later\n", outcome: .storeFailed)
        }
    }

    struct Refusal: Error { var reason: String }

    private func apply(event: String, model: String, data: Data) async throws -> Answer {
        struct Head: Decodable {
            var id: Int64?
            var updated_at: String?
        }
        guard let head = try? JSONDecoder().decode(Head.self, from: data), let id = head.id,
              let kind = ClioID.Model(rawValue: model) else { throw Refusal(reason: "a \(model) without an id") }
        let key = ClioID.of(kind, id)
        if event == "deleted" {
            let version = head.updated_at.flatMap(RFC3339.parse) ?? now()
            _ = try await store.deleteSynced(key: key, version: version)
            return Answer(status: 200, body: "ok\n", outcome: .deleted(key))
        }
        var batch = ClioBatch(mapping: mapping)
        let decoder = JSONDecoder()
        do {
            switch kind {
            case .matter: batch.add(matters: [try decoder.decode(Clio.Matter.self, from: data)])
            case .calendarEntry: batch.add(calendarEntries: [try decoder.decode(Clio.CalendarEntry.self, from: data)])
            case .task: batch.add(tasks: [try decoder.decode(Clio.Task.self, from: data)])
            case .communication: batch.add(communications: [try decoder.decode(Clio.Communication.self, from: data)])
            case .user: batch.add(users: [try decoder.decode(Clio.User.self, from: data)])
            case .relationship: batch.add(relationships: [try decoder.decode(Clio.Relationship.self, from: data)])
            case .contact:
                let k = try decoder.decode(Clio.Contact.self, from: data)
                batch.add(contacts: [k], rows: try await store.contactRowIDs(prefixes: ClioBatch.rowPrefixes([k])))
            }
        } catch let r as Refusal {
            throw r
        } catch is DecodingError {
            throw Refusal(reason: "a \(model) that is not the JSON Clio documents")
        }
        if let skipped = batch.skipped.first, batch.count == 0 {
            return Answer(status: 200, body: "ok\n", outcome: .skipped(skipped))
        }
        let w = try await store.writeSynced(batch.batch, versions: batch.versions, cursor: nil, now: now())
        return Answer(status: 200, body: "ok\n", outcome: w.written > 0 ? .written(key) : .current(key))
    }

    /// `{"data": {...}, "meta": {"event": "...", "webhook_id": N}}` and nothing else.
    static func envelope(_ body: [UInt8]) -> (event: String, webhookID: String, data: Data)? {
        guard let o = try? JSONSerialization.jsonObject(with: Data(body)) as? [String: Any], Set(o.keys) == ["data", "meta"],
              let meta = o["meta"] as? [String: Any], Set(meta.keys).isSubset(of: ["event", "webhook_id"]),
              let event = meta["event"] as? String,
              ["created", "updated", "deleted", "matter_opened", "matter_pended", "matter_closed"].contains(event),
              let data = o["data"] as? [String: Any], let raw = try? JSONSerialization.data(withJSONObject: data) else { return nil }
        let id: String
        switch meta["webhook_id"] {
        case let n as NSNumber: id = n.stringValue
        case let s as String: id = s
        default: return nil
        }
        return (event, id, raw)
    }
}
