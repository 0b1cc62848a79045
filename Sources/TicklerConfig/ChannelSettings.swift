/// A delivery channel as configured under `channels:`. Secrets are named, never held: the daemon
/// reads them from `$CREDENTIALS_DIRECTORY` when it sends.
public enum ChannelSettings: Sendable, Equatable {
    case journal
    case email(Email)
    case webhook(Webhook)
    case outbox(includeClient: Bool)

    public struct Email: Sendable, Equatable {
        public enum StartTLS: String, Sendable { case required, opportunistic, off }
        /// `smtp://HOST:PORT` or `smtps://HOST:PORT`.
        public var url: String
        public var startTLS: StartTLS
        public var username: String?
        /// Name of the systemd credential holding the SMTP password.
        public var passwordCredential: String?
        public var from: String
        public var includeClient: Bool
    }

    public struct Webhook: Sendable, Equatable {
        public var url: String
        /// Name of the systemd credential holding the HMAC key.
        public var secretCredential: String
        /// Default false: the body carries the case number and id only.
        public var includeClient: Bool
    }

    public var typeName: String {
        switch self {
        case .journal: "journal"
        case .email: "email"
        case .webhook: "webhook"
        case .outbox: "outbox"
        }
    }
}
