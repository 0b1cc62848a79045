/// The safeguards every client message passes just before it is sent, whatever policy fired it: the
/// undo window, a fresh look at the case, the contact's consent for the purpose and medium, and the
/// contact's quiet hours. It decides; the client lane does what it says.
///
/// When in doubt it sends less: a message whose case, cycle or contact changed is cancelled, not sent
/// late; a purpose without consent is not sent at all. Quiet hours defer a message, never drop it: it goes
/// at the next instant the contact's hours allow. A medium that refused the message (the gateway answered
/// 4xx, the carrier reported it undelivered) is not tried again; the next consented one is. What cannot
/// reach the client is never dropped silently: an essential notice (a court date, a deadline) with no
/// medium left, a notice whose date would pass before it could go, a message every medium refused, or one
/// held past `maxDelay` (a long outage) becomes a task for staff.
public struct ClientMessageGate: Sendable {
    public struct Settings: Sendable {
        /// How long a client message waits after its fire before it may be sent (a staff member may cancel
        /// it, or the case change back, meanwhile).
        public var undoWindow: Int64
        /// How late a message that is not tied to an instant (a stage change, a silence breaker) may still
        /// go, counted from the first instant it was allowed to (after the undo window, inside quiet hours):
        /// quiet hours never make a message late, only an outage does.
        public var maxDelay: Int64
        public var quietHours: [MessagePurpose: QuietHours]

        public init(undoWindow: Int64 = 600, maxDelay: Int64 = 2 * 86_400, quietHours: [MessagePurpose: QuietHours] = [:]) {
            self.undoWindow = undoWindow
            self.maxDelay = maxDelay
            self.quietHours = quietHours
        }

        public func quietHours(for p: MessagePurpose) -> QuietHours { quietHours[p] ?? QuietHours() }
    }

    /// A client message as it stands at the moment of sending.
    public struct Message: Sendable {
        public var purpose: MessagePurpose
        /// A court date or deadline notice: never silenced by an opt-out (see the type's comment).
        public var essential: Bool
        public var firedAt: Instant
        public var due: Instant
        /// For a notice counting down to an instant (a hearing): that instant; the notice is pointless after it.
        public var until: Instant?
        /// The contact as the store has it now; nil when it was removed from the case.
        public var contact: Contact?
        /// The contact's zone (its own, else the firm's).
        public var zone: ZoneRules
        /// Whether the case is still open (not closed).
        public var caseOpen: Bool
        /// Whether evaluating the case now still yields the cycle that fired (the stage was not changed
        /// back, the hearing not cancelled, the anchor not moved).
        public var cycleLive: Bool
        /// `tickler cancel FIRE_ID`.
        public var cancelled: Bool
        /// The medium the last attempt used (a retry stays on it), if any.
        public var lastMedium: Contact.Medium?
        /// The media the firm has a channel for.
        public var media: Set<Contact.Medium>
        /// Media that refused this message for good (a 4xx from the gateway, an undelivered status): the
        /// next consented medium is tried instead.
        public var refused: Set<Contact.Medium>

        public init(purpose: MessagePurpose, essential: Bool = false, firedAt: Instant, due: Instant, until: Instant? = nil,
                    contact: Contact?, zone: ZoneRules, caseOpen: Bool = true, cycleLive: Bool = true,
                    cancelled: Bool = false, lastMedium: Contact.Medium? = nil, media: Set<Contact.Medium> = [.email, .sms],
                    refused: Set<Contact.Medium> = []) {
            self.refused = refused
            self.purpose = purpose
            self.essential = essential
            self.firedAt = firedAt
            self.due = due
            self.until = until
            self.contact = contact
            self.zone = zone
            self.caseOpen = caseOpen
            self.cycleLive = cycleLive
            self.cancelled = cancelled
            self.lastMedium = lastMedium
            self.media = media
        }
    }

    /// Why a message is not sent, worded for the ledger and the journal: never the client's data.
    public enum CancelReason: String, Sendable, Equatable, Error {
        case cancelledByStaff = "cancelled by staff"
        case caseRemoved = "the case is no longer in the store"
        case noStageText = "the case's stage has no client-facing text in the configuration"
        case caseClosed = "the case was closed"
        case cycleEnded = "the case changed before it was sent"
        case contactRemoved = "the contact is no longer on the case"
        case updatesDisabled = "the contact does not receive updates"
        case tooLate = "too late to be useful"
        case noConsent = "no consent for this purpose on any medium the contact can be reached on"
        case alreadySentToday = "a message like it went to the contact today"
        case nothingToShow = "no outstanding document may be shown to the client"
    }

    public enum HoldReason: Sendable, Equatable {
        case undoWindow
        /// Why the contact's time is quiet (`Saturday`, `outside 08:00-20:00`).
        case quietHours(String)
    }

    /// Why a message becomes a task for staff, worded for the task, the ledger and the journal.
    public enum TaskReason: Sendable, Equatable {
        /// An essential notice with no medium the contact consented to for its purpose.
        case noConsentedMedium(MessagePurpose)
        /// Every medium the contact consented to refused the message.
        case everyMediumRefused
        /// A notice whose date would pass before the contact's quiet hours end.
        case quietHoursPastItsDate
        /// A notice whose date has passed before it could be sent.
        case datePassed
        /// Held past `maxDelay` after it was first allowed (the channel was down that long).
        case heldTooLong

        public var text: String {
            switch self {
            case .noConsentedMedium(let p): "no medium the contact consented to for \(p.rawValue)"
            case .everyMediumRefused: "every medium the contact consented to refused the message"
            case .quietHoursPastItsDate: "the contact's quiet hours last past the notice's time"
            case .datePassed: "the notice's time passed before it could be sent"
            case .heldTooLong: "it could not be sent within max_delay of its time"
            }
        }
    }

    public enum Decision: Sendable, Equatable {
        case send(Contact.Medium)
        case hold(until: Instant, HoldReason)
        case cancel(CancelReason)
        /// Not sent, and a person must know: staff are to reach the client themselves (or decide not to).
        case staffTask(TaskReason)
    }

    public let settings: Settings

    public init(settings: Settings) {
        self.settings = settings
    }

    public func decide(_ m: Message, consents: ConsentBook, now: Instant) -> Decision {
        if m.cancelled { return .cancel(.cancelledByStaff) }
        let undoEnds = m.firedAt.adding(seconds: settings.undoWindow)
        if now < undoEnds { return .hold(until: undoEnds, .undoWindow) }
        if !m.caseOpen { return .cancel(.caseClosed) }
        if !m.cycleLive { return .cancel(.cycleEnded) }
        guard let contact = m.contact else { return .cancel(.contactRemoved) }
        if !contact.updatesEnabled { return .cancel(.updatesDisabled) }
        let consented = contact.reachable.filter { m.media.contains($0) && consents.allows(contact.id, $0, m.purpose) }
        let allowed = consented.filter { !m.refused.contains($0) }
        // A retry stays on the medium it started on while that is still allowed: no message twice.
        guard let medium = m.lastMedium.flatMap({ allowed.contains($0) ? $0 : nil }) ?? allowed.first else {
            if !consented.isEmpty { return .staffTask(.everyMediumRefused) }
            return m.essential ? .staffTask(.noConsentedMedium(m.purpose)) : .cancel(.noConsent)
        }
        let hours = settings.quietHours(for: m.purpose)
        if let until = m.until {
            // A notice counting down to an instant: pointless once that instant has come.
            if now >= until { return late(m, .datePassed) }
            let next = hours.nextAllowed(atOrAfter: now, in: m.zone)
            if next >= until { return late(m, .quietHoursPastItsDate) }
            if next > now { return .hold(until: next, .quietHours(hours.reason(at: now, in: m.zone) ?? "quiet hours")) }
            return .send(medium)
        }
        if now >= expiry(m) { return late(m, .heldTooLong) }
        let next = hours.nextAllowed(atOrAfter: now, in: m.zone)
        if next > now { return .hold(until: next, .quietHours(hours.reason(at: now, in: m.zone) ?? "quiet hours")) }
        return .send(medium)
    }

    /// A message that can no longer go: staff are told, except of a survey (asking late is no loss).
    private func late(_ m: Message, _ reason: TaskReason) -> Decision {
        m.purpose == .surveys && !m.essential ? .cancel(.tooLate) : .staffTask(reason)
    }

    /// When a message fired at `firedAt` will go, all else being equal: after the undo window, at the next
    /// instant the contact's quiet hours for `purpose` allow (what `simulate` and `client-preview` show).
    public func plannedDelivery(firedAt: Instant, purpose: MessagePurpose, zone: ZoneRules) -> Instant {
        settings.quietHours(for: purpose).nextAllowed(atOrAfter: firedAt.adding(seconds: settings.undoWindow), in: zone)
    }

    /// After this a message is not sent: the instant it counts down to, or `maxDelay` after the first
    /// instant it was allowed to go (quiet hours defer a message; they never make it late).
    public func expiry(_ m: Message) -> Instant {
        m.until ?? plannedDelivery(firedAt: m.firedAt, purpose: m.purpose, zone: m.zone).adding(seconds: settings.maxDelay)
    }
}
