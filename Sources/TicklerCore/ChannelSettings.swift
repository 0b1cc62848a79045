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
        /// Default true: staff mail names the client and the matter.
        public var includeClient: Bool
        /// `tls_ca_file`: a PEM bundle to trust instead of the system's (a firm's own CA).
        public var caFile: String?

        public init(url: String, startTLS: StartTLS, username: String? = nil, passwordCredential: String? = nil, from: String,
                    includeClient: Bool = true, caFile: String? = nil) {
            self.url = url
            self.startTLS = startTLS
            self.username = username
            self.passwordCredential = passwordCredential
            self.from = from
            self.includeClient = includeClient
            self.caFile = caFile
        }
    }

    public struct Webhook: Sendable, Equatable {
        public var url: String
        /// Name of the systemd credential holding the HMAC key.
        public var secretCredential: String
        /// Default false: the body carries the case number and id only.
        public var includeClient: Bool
        /// `tls_ca_file`, as for email.
        public var caFile: String?

        public init(url: String, secretCredential: String, includeClient: Bool = false, caFile: String? = nil) {
            self.url = url
            self.secretCredential = secretCredential
            self.includeClient = includeClient
            self.caFile = caFile
        }
    }

    public var typeName: String {
        switch self {
        case .journal: "journal"
        case .email: "email"
        case .webhook: "webhook"
        case .outbox: "outbox"
        }
    }

    /// How a fire through this channel is queued: email once per recipient, a webhook once per fire
    /// (the body lists the recipients; `Idempotency-Key` is the fire id), the outbox and the journal
    /// not at all (written with the fire itself).
    public var queueing: Queueing {
        switch self {
        case .email: .perRecipient
        case .webhook: .perFire
        case .journal, .outbox: .none
        }
    }

    public enum Queueing: Sendable { case perRecipient, perFire, none }
}
