/// `sync: { clio: … }`: the firm's Clio Manage account that `tickler sync clio` follows (docs/clio.md).
public struct ClioSyncSettings: Sendable, Equatable {
    /// The account's data region: its API and token endpoints are the region's (a wrong region answers
    /// `invalid_client`).
    public enum Region: String, Sendable, CaseIterable {
        case us, eu, ca, au

        var host: String { self == .us ? "app.clio.com" : "\(rawValue).app.clio.com" }
    }

    public var region: Region
    /// The OAuth application's id (not a secret).
    public var clientID: String
    /// The credentials holding the application's secret and the account's refresh token.
    public var clientSecretCredential: CredentialReference
    public var refreshTokenCredential: CredentialReference
    /// Where Clio posts its webhooks (the firm's `tickler-inbound`, `/clio/webhook`).
    public var webhookURL: String
    /// Seconds between reconciliations (records updated since the last one, page by page).
    public var reconcile: Int
    /// A contact's language (nil: the client settings' fallback) and the zone of Clio's dates and contacts.
    public var language: String?
    public var timeZone: String
    /// The requests the sync makes in any minute: Clio's documented limit (50 a minute per token at peak),
    /// unless the account has another.
    public var requestsPerMinute: Int
    /// `https://app.clio.com/api/v4` for the region, unless `api_url:` says otherwise (tests).
    public var apiURL: String
    /// `https://app.clio.com/oauth/token` for the region, unless `token_url:` says otherwise (tests).
    public var tokenURL: String

    public static func apiURL(_ region: Region) -> String { "https://\(region.host)/api/v4" }
    public static func tokenURL(_ region: Region) -> String { "https://\(region.host)/oauth/token" }
}
