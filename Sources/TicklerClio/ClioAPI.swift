import Dispatch
import Foundation
import TicklerCore
import TicklerDelivery

/// Clio's API as the sync uses it: an access token from the refresh token (OAuth 2), and the list endpoints
/// page by page (cursor paging in id order, `updated_since`), every request paced by `RequestPacer` under
/// the rate limit. Errors name the request and the status, never a secret or a record's content.
public actor ClioAPI {
    public struct Account: Sendable {
        public var apiURL: String
        public var tokenURL: String
        public var clientID: String
        public var clientSecret: String
        public var refreshToken: String

        public init(apiURL: String, tokenURL: String, clientID: String, clientSecret: String, refreshToken: String) {
            self.apiURL = apiURL
            self.tokenURL = tokenURL
            self.clientID = clientID
            self.clientSecret = clientSecret
            self.refreshToken = refreshToken
        }
    }

    public enum Failure: Error, Equatable, CustomStringConvertible {
        /// Clio refused the request for good (a 4xx other than 401 and 429, or a 401 right after a refresh).
        case refused(String)
        /// The record asked for is not there (404 or 410): a webhook Clio deleted or let expire.
        case gone(String)
        /// The token endpoint refused the application or the refresh token.
        case tokenRefused(String)
        /// Clio did not answer, or answered 5xx, `attempts` times in a row.
        case unavailable(String)
        /// An answer that is not what the documentation describes.
        case unreadable(String)

        public var description: String {
            switch self {
            case .refused(let m), .gone(let m), .tokenRefused(let m), .unavailable(let m), .unreadable(let m): m
            }
        }
    }

    private let account: Account
    private let clock: any InstantClock
    private let exchange = HTTPExchange()
    private let queue = DispatchQueue(label: "tickler.clio")
    private var accessToken: String?
    private var pacer = RequestPacer()
    /// Failures in a row (no answer, 5xx) after which a request is given up (429s do not count).
    private let attempts: Int
    /// Requests made, the token's included.
    public private(set) var requests = 0

    /// `perMinute`: the requests allowed in any minute (Clio's documented 50 by default).
    public init(account: Account, clock: any InstantClock = SystemClock(), attempts: Int = 8, perMinute: Int = 50) {
        self.account = account
        self.clock = clock
        self.attempts = attempts
        pacer = RequestPacer(limit: max(1, perMinute), window: 60)
    }

    /// Every record of `model` (`matters`, `calendar_entries`…) with `fields`, updated after `since` when
    /// given, a page at a time in id order, each handed to `page` before the next is asked for.
    public func list<R: Decodable & Sendable>(_ model: String, fields: String, since: Instant? = nil, as: R.Type,
                                              page: (Clio.Page<R>) async throws -> Void) async throws {
        var next: String?
        repeat {
            let p = try await self.page(model, fields: fields, since: since, at: next, as: R.self)
            try await page(p)
            next = p.next
        } while next != nil
    }

    /// The first page of `model` (`url` nil), or the page at `url` (a page's `next`).
    public func page<R: Decodable & Sendable>(_ model: String, fields: String, since: Instant? = nil, at url: String? = nil,
                                              as: R.Type) async throws -> Clio.Page<R> {
        var query = [("fields", fields), ("limit", "200"), ("order", "id(asc)")]
        if let since { query.append(("updated_since", since.rfc3339)) }
        let body = try await get(url ?? "\(account.apiURL)/\(model).json?" + Self.form(query), what: model)
        do { return try JSONDecoder().decode(Clio.Page<R>.self, from: Data(body)) } catch {
            throw Failure.unreadable("a page of \(model) is not the JSON Clio documents")
        }
    }

    /// Creates the webhook of `model` posting to `url` with `fields` on `events`, expiring at `expiresAt`.
    public func createWebhook(model: String, url: String, fields: String, events: [String], expiresAt: Instant) async throws -> Clio.Webhook {
        let body = Self.json(["data": ["url": url, "model": model, "fields": fields, "events": events, "expires_at": expiresAt.rfc3339]])
        let answer = try await request("POST", "\(account.apiURL)/webhooks.json?fields=\(Self.webhookFields)", body: body, what: "webhooks")
        return try Self.webhook(answer)
    }

    /// Moves a webhook's expiry to `expiresAt`; `Failure.gone` when Clio no longer has it.
    public func renewWebhook(id: String, expiresAt: Instant) async throws -> Clio.Webhook {
        let body = Self.json(["data": ["expires_at": expiresAt.rfc3339]])
        let answer = try await request("PATCH", "\(account.apiURL)/webhooks/\(id).json?fields=\(Self.webhookFields)", body: body,
                                       what: "webhooks")
        return try Self.webhook(answer)
    }

    /// Completes a webhook's handshake with its secret (Clio's delayed activation), when the receiver could
    /// not answer it at once.
    public func activateWebhook(id: String, secret: String) async throws {
        _ = try await request("PUT", "\(account.apiURL)/webhooks/\(id)/activate", headers: ["X-Hook-Secret: \(secret)"], body: [],
                              what: "webhooks")
    }

    static let webhookFields = "id,shared_secret,status,model,expires_at"

    private static func webhook(_ body: [UInt8]) throws -> Clio.Webhook {
        struct Show: Decodable { var data: Clio.Webhook }
        guard let w = try? JSONDecoder().decode(Show.self, from: Data(body)).data, w.id != nil else {
            throw Failure.unreadable("a webhook is not the JSON Clio documents")
        }
        return w
    }

    private static func json(_ object: [String: Any]) -> [UInt8] {
        Array((try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data())
    }

    private func get(_ url: String, what: String) async throws -> [UInt8] {
        try await request("GET", url, body: nil, what: what)
    }

    /// One request under the pacer: refreshing the token on a 401 (once), waiting out 429s and retrying
    /// failures up to `attempts` in a row.
    private func request(_ method: String, _ url: String, headers extra: [String] = [], body: [UInt8]?, what: String) async throws -> [UInt8] {
        var failures = 0
        while true {
            if accessToken == nil { try await refresh() }
            let json = body.map { !$0.isEmpty } == true ? ["Content-Type: application/json"] : []
            let headers = ["Authorization: Bearer \(accessToken ?? "")", "Accept: application/json", "User-Agent: tickler-sync"] + extra + json
            let response = await paced { $0.send(method, url, headers: headers, body: body ?? []) }
            if let status = response.status, status == 404 || status == 410 {
                throw Failure.gone("Clio: no such record (HTTP \(status)) (\(what))")
            }
            switch pacer.answered(status: response.status, retryAfter: response.headers["retry-after"], now: answeredAt()) {
            case .done:
                guard !response.truncated else { throw Failure.unreadable("a page of \(what) is larger than Tickler reads") }
                return response.body
            case .refreshToken:
                accessToken = nil
            case .retry(_, let reason):
                if response.status != 429 {
                    failures += 1
                    if failures >= attempts { throw Failure.unavailable("Clio: \(reason), \(failures) times in a row (\(what))") }
                }
            case .failed(let reason):
                throw Failure.refused("Clio: \(reason) (\(what))")
            }
        }
    }

    /// A new access token from the refresh token.
    private func refresh() async throws {
        let form = Self.form([("grant_type", "refresh_token"), ("refresh_token", account.refreshToken), ("client_id", account.clientID),
                              ("client_secret", account.clientSecret)])
        let (url, body) = (account.tokenURL, Array(form.utf8))
        var failures = 0
        while true {
            let response = await paced {
                $0.send("POST", url, headers: ["Content-Type: application/x-www-form-urlencoded", "Accept: application/json"], body: body)
            }
            if let status = response.status, (400...499).contains(status), status != 429 {
                throw Failure.tokenRefused("Clio's token endpoint refused the application or the refresh token (HTTP \(status))")
            }
            switch pacer.answered(status: response.status, retryAfter: response.headers["retry-after"], now: answeredAt()) {
            case .done:
                struct Token: Decodable { var access_token: String }
                guard let token = try? JSONDecoder().decode(Token.self, from: Data(response.body)), !token.access_token.isEmpty else {
                    throw Failure.unreadable("Clio's token endpoint answered without an access token")
                }
                accessToken = token.access_token
                return
            case .retry(_, let reason):
                failures += 1
                if failures >= attempts { throw Failure.unavailable("Clio's token endpoint: \(reason), \(failures) times in a row") }
            case .refreshToken, .failed:
                throw Failure.tokenRefused("Clio's token endpoint refused the application or the refresh token")
            }
        }
    }

    /// Waits until the pacer lets a request go, then sends it off the cooperative threads.
    private func paced(_ send: @escaping @Sendable (HTTPExchange) -> HTTPExchange.Response) async -> HTTPExchange.Response {
        let at = pacer.nextRequest(now: clock.now)
        if at > clock.now { try? await clock.sleep(until: at, tolerance: nil) }
        pacer.sent(at: clock.now)
        requests += 1
        let exchange = self.exchange
        return await withCheckedContinuation { done in queue.async { done.resume(returning: send(exchange)) } }
    }

    /// The time an answer came, rounded up to the next whole second: a `Retry-After` counted from it is never
    /// shorter than asked.
    private func answeredAt() -> Instant { clock.now.adding(seconds: 1) }

    /// `a=1&b=2`, each name and value percent-encoded.
    static func form(_ pairs: [(String, String)]) -> String {
        let allowed = CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
        return pairs.map { k, v in
            "\(k.addingPercentEncoding(withAllowedCharacters: allowed) ?? "")=\(v.addingPercentEncoding(withAllowedCharacters: allowed) ?? "")"
        }.joined(separator: "&")
    }
}
