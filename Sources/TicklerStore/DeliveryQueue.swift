import TicklerCore

/// The delivery queue: one row per (fire, recipient, channel), or per (digest, person, channel), written
/// before anything is sent (fires in the transaction that records them). A channel's lane claims what is
/// due, oldest first, for a bounded time (a lease), sends it, and records the attempt; only the claimant
/// can record it, so a delivery whose lease ran out (its sender died or hung) is claimed and sent by another
/// lane, and the late one's record is refused. A delivery is done once delivered or refused for good.
public protocol DeliveryQueue: Sendable {
    /// Claims for `claimant`, until `now + lease`, up to `limit` pending deliveries of `channel` whose next
    /// attempt has come and that no one holds, oldest first; returns them with what their messages are made of.
    func claimDue(channel: String, now: Instant, limit: Int, lease: Duration, claimant: String) async throws -> [PendingDelivery]
    /// Extends, to `now + lease`, every claim of `claimant` that has not run out (its heartbeat: a claim
    /// that ran out may be another's already and stays lost). Returns how many were extended.
    @discardableResult
    func renew(claimsOf claimant: String, now: Instant, lease: Duration) async throws -> Int
    /// Gives back claims of `claimant` that it will not send (a lane stopping mid-batch).
    func release(claimsOf claimant: String, ids: [Int64]) async throws
    /// Records attempt number `attempt` of delivery `id` and what it came to; false (nothing recorded) when
    /// `claimant` no longer holds it.
    func complete(delivery id: Int64, attempt: Int, result: DeliveryResult, at: Instant, claimant: String) async throws -> Bool
    /// Pending deliveries of `channel` due at `now`, whoever holds them (a look, not a claim).
    func dueCount(channel: String, now: Instant) async throws -> Int
    /// When the next pending delivery of `channel` comes due; nil when none waits.
    func nextDeliveryDue(channel: String) async throws -> Instant?
    /// Deliveries pending, being retried, and refused for good since `failedSince`.
    func deliveryHealth(failedSince: Instant) async throws -> DeliveryHealth
    /// Cancels the client messages of fire `fireID` not sent yet (`tickler cancel`); how many.
    func cancelClientMessages(fireID: String, reason: String) async throws -> Int
    /// Whether a client message with `key` (its kind, case, contact and day: `ClientMessageKey`) was
    /// delivered: one of each a day.
    func clientMessageDelivered(key: String) async throws -> Bool
    /// Client messages by what keeps them: pending ones by why they wait (the hold's reason, "" when not
    /// looked at yet), and `no consent` for those not sent for want of consent.
    func clientMessagesWaiting() async throws -> [String: Int]
    /// Claims `person`'s digest for `day` and queues it on `channel`, once: false when it was claimed before.
    func claimDigest(id: String, person: String, day: LocalDate, entries: [DigestEntry], channel: String,
                     now: Instant) async throws -> Bool
}

/// A delivery due to be attempted, with what its message is made from.
public struct PendingDelivery: Sendable, Equatable {
    /// The recipient of a delivery made once per fire (webhooks): everyone the fire notifies.
    public static let everyone = DeliveryPlan.everyone

    public enum Kind: String, Sendable { case fire, digest, reply }

    public var id: Int64
    public var kind: Kind
    /// What is delivered: the fire's id (kind `fire`) or the digest's (kind `digest`).
    public var sourceID: String
    /// A person id, an address, `client`, or `*` (everyone the fire notifies).
    public var recipient: String
    public var channel: String
    /// Attempts made before this one.
    public var attempts: Int
    /// The ledger row (kind `fire`).
    public var fire: FiredStep?
    /// The digest (kind `digest`).
    public var digest: DigestRecord?
    /// A client's text forwarded to staff (kind `reply`).
    public var reply: ReplyForward?
    /// The case, as it is now (kind `fire`).
    public var caseNumber: String
    public var caseTitle: String
    public var clientName: String
    public var clientEmail: String?
    /// The recipient, when it is a person of the directory.
    public var person: Person?
    /// A client message: the medium its last attempt used, and those that refused it for good.
    public var medium: Contact.Medium?
    public var refusedMedia: Set<Contact.Medium> = []

    /// Every stored property, for the stores.
    package init(id: Int64, kind: Kind, sourceID: String, recipient: String, channel: String, attempts: Int,
                 fire: FiredStep? = nil, digest: DigestRecord? = nil, reply: ReplyForward? = nil, caseNumber: String,
                 caseTitle: String, clientName: String, clientEmail: String? = nil, person: Person? = nil,
                 medium: Contact.Medium? = nil, refusedMedia: Set<Contact.Medium> = []) {
        self.id = id
        self.kind = kind
        self.sourceID = sourceID
        self.recipient = recipient
        self.channel = channel
        self.attempts = attempts
        self.fire = fire
        self.digest = digest
        self.reply = reply
        self.caseNumber = caseNumber
        self.caseTitle = caseTitle
        self.clientName = clientName
        self.clientEmail = clientEmail
        self.person = person
        self.medium = medium
        self.refusedMedia = refusedMedia
    }
}

/// A fire as the ledger recorded it.
public struct FiredStep: Sendable, Equatable {
    public var caseID: String
    public var policy: String
    public var subject: String
    public var stage: Int
    public var repeatNumber: Int
    public var action: Stage.Action
    public var due: Instant
    public var firedAt: Instant
    public var deliverAt: Instant
    public var recipients: [String]
    public var explanation: String
    /// The cycle's anchor (a client message is sent only while the cycle it fired in is still open).
    public var anchor: Instant?

    /// Every stored property, for the stores.
    package init(caseID: String, policy: String, subject: String, stage: Int, repeatNumber: Int, action: Stage.Action,
                 due: Instant, firedAt: Instant, deliverAt: Instant, recipients: [String], explanation: String,
                 anchor: Instant? = nil) {
        self.caseID = caseID
        self.policy = policy
        self.subject = subject
        self.stage = stage
        self.repeatNumber = repeatNumber
        self.action = action
        self.due = due
        self.firedAt = firedAt
        self.deliverAt = deliverAt
        self.recipients = recipients
        self.explanation = explanation
        self.anchor = anchor
    }
}

/// One person's digest for one business day, as claimed.
public struct DigestRecord: Sendable, Equatable {
    public var personID: String
    public var day: LocalDate
    public var entries: [DigestEntry]
    public var createdAt: Instant

    /// Every stored property, for the stores.
    package init(personID: String, day: LocalDate, entries: [DigestEntry], createdAt: Instant) {
        self.personID = personID
        self.day = day
        self.entries = entries
        self.createdAt = createdAt
    }
}

/// What an attempt came to, as the queue records it.
public enum DeliveryResult: Sendable, Equatable {
    case delivered
    /// Try again at `next`.
    case retry(next: Instant, error: String)
    /// Refused for good.
    case failed(error: String)
    /// Not sent, and never will be: a client message the checks before sending stopped (the reason,
    /// without client data, is kept). No attempt was made.
    case cancelled(reason: String)
    /// Not attempted yet: a client message waits until `until` (quiet hours, the undo window). No attempt
    /// is counted.
    case held(until: Instant, reason: String)
    /// A client message `medium` refused for good (the gateway's 4xx, the carrier's "undelivered"): the
    /// attempt is counted, the medium is not tried again, and the message is looked at again at once (the
    /// next medium the contact consented to, or a staff task).
    case refused(medium: Contact.Medium, error: String)
    /// A client message its medium accepted: delivered, with what the firm's store keeps of it.
    case sentToClient(ClientSend)
    /// A client message that cannot go, and the staff task that replaces it: the message is cancelled and the
    /// task recorded (once) in one transaction, and its case is evaluated again, so the `since: staff_task`
    /// policy tells staff.
    case replacedByTask(StaffTask)
}

/// What the store keeps of a client message its medium accepted.
public struct ClientSend: Sendable, Equatable {
    public var medium: Contact.Medium
    /// The gateway's id of a text (`MessageSid`): its status callbacks name it.
    public var providerID: String?
    /// The message's kind, case, contact and day: no second one like it goes that day.
    public var key: String?
    /// The outbound communication the message is on its case, marked as Tickler's own (`automated`): a
    /// case update restarts the `since: client_update` clock like any status update.
    public var communication: CaseRecord<Communication>

    public init(medium: Contact.Medium, providerID: String? = nil, key: String? = nil, communication: CaseRecord<Communication>) {
        self.key = key
        self.medium = medium
        self.providerID = providerID
        self.communication = communication
    }
}

/// A row of the queue, for tests and `tickler status`.
public struct QueuedDelivery: Sendable, Equatable {
    public var id: Int64
    public var kind: PendingDelivery.Kind
    /// The fire's id or the digest's.
    public var sourceID: String
    public var recipient: String
    public var channel: String
    public var status: String
    public var attempts: Int
    public var nextAttemptAt: Instant
    public var lastError: String?
    public var deliveredAt: Instant?
    /// Why a pending client message waits (quiet hours, the undo window).
    public var holdReason: String?
    /// A client message: the medium it went (or last tried to go) by, the gateway's id of a text, and the
    /// last status its carrier reported.
    public var medium: String?
    public var providerID: String?
    public var carrierStatus: String?

    /// Every stored property, for the stores.
    package init(id: Int64, kind: PendingDelivery.Kind, sourceID: String, recipient: String, channel: String, status: String,
                 attempts: Int, nextAttemptAt: Instant, lastError: String? = nil, deliveredAt: Instant? = nil,
                 holdReason: String? = nil, medium: String? = nil, providerID: String? = nil, carrierStatus: String? = nil) {
        self.id = id
        self.kind = kind
        self.sourceID = sourceID
        self.recipient = recipient
        self.channel = channel
        self.status = status
        self.attempts = attempts
        self.nextAttemptAt = nextAttemptAt
        self.lastError = lastError
        self.deliveredAt = deliveredAt
        self.holdReason = holdReason
        self.medium = medium
        self.providerID = providerID
        self.carrierStatus = carrierStatus
    }
}

/// The queue's health: what waits, what is being retried, what was refused for good lately.
public struct DeliveryHealth: Sendable, Equatable {
    public var pending = 0
    /// Pending after at least one failed attempt.
    public var retrying = 0
    /// Refused for good since the instant asked about.
    public var failed = 0

    public init() {}
}
