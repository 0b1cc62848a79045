/// A delivery channel as configured under `channels:`. Secrets are named, never held: the daemon
/// reads them from `$CREDENTIALS_DIRECTORY` when it sends.
public enum ChannelSettings: Sendable, Equatable {
    case journal
    case email(Email)
    case webhook(Webhook)
    case outbox(includeClient: Bool)
    /// Text messages to clients through a gateway speaking the Twilio-compatible Messages API.
    case sms(SMS)
    /// A task in Clio Manage on the fire's matter, assigned to each recipient (`type: clio-task`), written to
    /// the account of `sync.clio`.
    case clioTask(ClioTask)

    public struct ClioTask: Sendable, Equatable {
        public var apiURL: String
        public var tokenURL: String
        public var clientID: String
        /// Names of the credentials holding the application's secret and the account's refresh token.
        public var clientSecretCredential: String
        public var refreshTokenCredential: String
        /// The zone a task's due date is the fire's day in.
        public var timeZone: String

        public init(apiURL: String, tokenURL: String, clientID: String, clientSecretCredential: String, refreshTokenCredential: String,
                    timeZone: String) {
            self.apiURL = apiURL
            self.tokenURL = tokenURL
            self.clientID = clientID
            self.clientSecretCredential = clientSecretCredential
            self.refreshTokenCredential = refreshTokenCredential
            self.timeZone = timeZone
        }
    }

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

    public struct SMS: Sendable, Equatable {
        /// The API's base URL (`https://api.twilio.com`); messages are posted to
        /// `/2010-04-01/Accounts/SID/Messages.json` under it.
        public var url: String
        public var accountSID: String
        /// Name of the systemd credential holding the auth token (Basic auth password, and the key of the
        /// signatures the gateway puts on its callbacks).
        public var authTokenCredential: String
        /// The sender: a number in E.164, or a messaging service (one of the two).
        public var from: String?
        public var messagingServiceSID: String?
        /// Where the gateway reports each message's status (`StatusCallback`), if anywhere.
        public var statusCallback: String?
        /// The longest message, in segments (160 GSM-7 or 70 UCS-2 characters each, fewer when split).
        public var maxSegments: Int
        public var caFile: String?

        public init(url: String, accountSID: String, authTokenCredential: String, from: String? = nil,
                    messagingServiceSID: String? = nil, statusCallback: String? = nil, maxSegments: Int = 3, caFile: String? = nil) {
            self.url = url
            self.accountSID = accountSID
            self.authTokenCredential = authTokenCredential
            self.from = from
            self.messagingServiceSID = messagingServiceSID
            self.statusCallback = statusCallback
            self.maxSegments = maxSegments
            self.caFile = caFile
        }
    }

    public var typeName: String {
        switch self {
        case .journal: "journal"
        case .email: "email"
        case .webhook: "webhook"
        case .outbox: "outbox"
        case .sms: "sms"
        case .clioTask: "clio-task"
        }
    }

    /// How a fire through this channel is queued for staff: email once per recipient, a webhook once per
    /// fire (the body lists the recipients; `Idempotency-Key` is the fire id), the outbox and the journal
    /// not at all (written with the fire itself).
    public var queueing: Queueing {
        switch self {
        // A Clio task is assigned to one person: one per recipient.
        case .email, .clioTask: .perRecipient
        case .webhook: .perFire
        // An SMS channel carries client messages only, which the client lane sends (see `DeliveryPlan`).
        case .journal, .outbox, .sms: .none
        }
    }

    public enum Queueing: Sendable { case perRecipient, perFire, none }
}
