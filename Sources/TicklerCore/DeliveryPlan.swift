/// How a fire fans out to its channels and recipients: decided here, in the core, and written by the store
/// in the fire's own transaction. Email is one delivery per recipient; a webhook is one per fire (its body
/// lists every recipient, and its idempotency key is the fire's id); an outbox channel is one row per fire;
/// the journal is the fire's own entry. A channel the configuration does not describe is queued per
/// recipient. A client's contact (`contact:ID`) is queued once on the `client` queue, whatever the stage's
/// channels: the client lane chooses the medium, and applies consent, quiet hours and the undo window,
/// when it sends.
public struct DeliveryPlan: Sendable, Equatable {
    /// The recipient of a delivery made once per fire: everyone the fire notifies.
    public static let everyone = "*"
    /// The queue of client messages.
    public static let clientChannel = "client"

    /// A row of the delivery queue: who, on which channel, from when.
    public struct Queued: Sendable, Equatable {
        public var recipient: String
        public var channel: String
        public var notBefore: Instant
    }

    /// A row of an outbox channel, with the client's name only when the channel says so.
    public struct Outboxed: Sendable, Equatable {
        public var channel: String
        public var includeClient: Bool

        public init(channel: String, includeClient: Bool) {
            self.channel = channel
            self.includeClient = includeClient
        }
    }

    public var queued: [Queued] = []
    public var outboxed: [Outboxed] = []

    public init(_ fire: Fire, channels: [String: ChannelSettings]) {
        let staff = fire.recipients.filter { Contact.id(fromRecipient: $0) == nil }
        for channel in fire.channels where channel != "journal" {
            let settings = channels[channel]
            switch settings?.queueing ?? .perRecipient {
            case .perRecipient:
                for recipient in staff {
                    queued.append(Queued(recipient: recipient, channel: channel, notBefore: fire.deliverAt))
                }
            case .perFire:
                queued.append(Queued(recipient: Self.everyone, channel: channel, notBefore: fire.deliverAt))
            case .none:
                if case .outbox(let includeClient) = settings {
                    outboxed.append(Outboxed(channel: channel, includeClient: includeClient))
                }
            }
        }
        for recipient in fire.recipients where Contact.id(fromRecipient: recipient) != nil {
            queued.append(Queued(recipient: recipient, channel: Self.clientChannel, notBefore: fire.deliverAt))
        }
    }
}
