/// What a call on the firm's line becomes, decided before anything is written. An inbound call from a
/// contact that nobody answered (no answer, busy, failed, or taken by voicemail) is an unanswered inbound
/// call on each of the contact's open cases, so the unanswered-inbound policies escalate it; an inbound
/// call that was answered, or an outbound call to the contact that connected, answers the contact's
/// unanswered calls before it. A call still ringing, or an outbound one that did not connect, is nothing.
public enum PhoneCall {
    public enum Direction: String, Sendable, Equatable, CaseIterable { case inbound, outbound }

    public enum Kind: Sendable, Equatable {
        /// Recorded as an inbound call, unanswered.
        case missed
        /// Recorded as an inbound call answered at once; answers the contact's earlier unanswered calls.
        case answered
        /// Recorded as an outbound call; answers the contact's earlier unanswered calls.
        case returned
    }

    /// A gateway's call status (Twilio's `CallStatus`: queued, initiated, ringing, in-progress, completed,
    /// busy, failed, no-answer, canceled) as one of the kinds; `voicemail`: the caller left a recording;
    /// `seconds`: how long the call lasted.
    public static func kind(direction: Direction, status: String, seconds: Int?, voicemail: Bool) -> Kind? {
        switch (direction, status.lowercased()) {
        case (.inbound, "no-answer"), (.inbound, "busy"), (.inbound, "failed"), (.inbound, "canceled"): return .missed
        case (.inbound, "completed"): return voicemail || (seconds ?? 1) == 0 ? .missed : .answered
        case (.outbound, "completed"): return (seconds ?? 0) > 0 ? .returned : nil
        default: return nil
        }
    }

    /// An earlier unanswered call of a contact on a case, answered at `at`.
    public struct Answer: Sendable, Equatable {
        public var caseID: String
        public var contactID: String
        public var at: Instant

        public init(caseID: String, contactID: String, at: Instant) {
            self.caseID = caseID
            self.contactID = contactID
            self.at = at
        }
    }

    /// The id of a call's communication on a contact's row: `call:<call id>:<contact id>`.
    public static func communicationID(call: String, contactID: String) -> String { "call:\(call):\(contactID)" }

    /// The communications a call of `kind` makes on each open case of `contacts` (case, contact), and the
    /// answers it gives.
    public static func records(_ kind: Kind, call: String, at: Instant, contacts: [(caseID: String, contactID: String)])
        -> (communications: [(caseID: String, communication: Communication)], answers: [Answer]) {
        var comms: [(String, Communication)] = []
        var answers: [Answer] = []
        for c in contacts {
            let id = communicationID(call: call, contactID: c.contactID)
            switch kind {
            case .missed:
                comms.append((c.caseID, Communication(id: id, direction: .inbound, channel: .call, occurredAt: at)))
            case .answered:
                comms.append((c.caseID, Communication(id: id, direction: .inbound, channel: .call, occurredAt: at, respondedAt: at)))
                answers.append(Answer(caseID: c.caseID, contactID: c.contactID, at: at))
            case .returned:
                comms.append((c.caseID, Communication(id: id, direction: .outbound, channel: .call, occurredAt: at)))
                answers.append(Answer(caseID: c.caseID, contactID: c.contactID, at: at))
            }
        }
        return (comms, answers)
    }
}
