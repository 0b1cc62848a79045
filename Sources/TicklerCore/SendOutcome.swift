/// What one attempt to deliver came to.
public enum SendOutcome: Sendable, Equatable {
    /// Accepted by the channel (SMTP 250 after DATA, HTTP 2xx).
    case delivered
    /// Not accepted this time; try the delivery again later. `channelDown` says the channel itself is
    /// unreachable (no connection, TLS or login failed, timeout, server error), so its lane pauses rather
    /// than trying the next delivery at once.
    case retry(reason: String, channelDown: Bool)
    /// Refused for good (HTTP 4xx other than 408/429, SMTP 5xx for this message or recipient, no address):
    /// journaled and not tried again.
    case failed(reason: String)
}
