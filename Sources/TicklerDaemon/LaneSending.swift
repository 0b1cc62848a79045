import TicklerCore
import TicklerDelivery
import TicklerStore

/// What a lane's sender made of one delivery due.
enum LaneAttempt: Sendable {
    /// Sent (or tried); for a client message, what the store keeps of it when its medium accepts it (and
    /// the medium a refusal is held against).
    case attempted(SendOutcome, client: ClientSend?)
    /// Not attempted: held until later, cancelled for good, or replaced by a staff task (the result says).
    case settled(DeliveryResult)
    /// The store could not be read: try again soon.
    case storeUnavailable(String)
}

/// The sending end of a lane: a channel's (`ChannelSending`: email, webhook) sends what it is given; the
/// client queue's (`ClientDispatch`) first looks at consent, quiet hours and the medium. The lane claims,
/// paces and records; it does not know which it drives.
protocol LaneSending: Sendable {
    func attempt(_ d: PendingDelivery, now: Instant) async -> LaneAttempt
}
