/// `mailboxes: { NAME: … }`: a firm mailbox that `tickler sync mail` reads (docs/mailboxes.md).
public struct MailboxSettings: Sendable, Equatable {
    public enum Security: String, Sendable, Equatable {
        /// `imaps://`: TLS from the first byte (port 993 unless given).
        case tls
        /// `imap://`: STARTTLS, required (port 143 unless given).
        case startTLS
    }

    /// How it logs in: a password, or an OAuth 2 access token (SASL XOAUTH2); the secret from a credential.
    public enum Login: Sendable, Equatable {
        case password(CredentialReference)
        case oauth2Token(CredentialReference)

        public var credential: CredentialReference {
            switch self {
            case .password(let c), .oauth2Token(let c): c
            }
        }
    }

    public var name: String
    public var host: String
    public var port: Int
    public var security: Security
    public var user: String
    public var login: Login
    /// The folders whose mail is to the firm, and from it.
    public var inbound: [String]
    public var outbound: [String]
    /// A CA bundle to trust instead of the system's.
    public var caFile: String?
    /// Seconds between reads when the server offers no IDLE (and the longest an IDLE lasts before a read).
    public var poll: Int
    /// How many days back a folder is read the first time, or after its UIDVALIDITY changed.
    public var lookBackDays: Int
}
