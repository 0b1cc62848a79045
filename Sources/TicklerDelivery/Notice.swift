import TicklerCore

/// One fire as a message to one recipient: what the templates and the webhook body are made from. It
/// holds the client's name and the matter title; `fields(includeClient:)` leaves them out for channels
/// that must not carry them.
public struct Notice: Sendable, Equatable {
    public var fireID: String
    public var caseID: String
    public var caseNumber: String
    public var caseTitle: String
    public var clientName: String
    public var policy: String
    public var policyDescription: String
    public var stage: Int
    public var repeatNumber: Int
    public var action: Stage.Action
    public var subject: String
    public var due: Instant
    public var firedAt: Instant
    public var deliverAt: Instant
    /// The fire's explanation as recorded in the ledger.
    public var explanation: String
    /// Who the fire notifies, as recorded (person ids, addresses, `client`).
    public var recipients: [String]
    /// The person this copy goes to, when it goes to one.
    public var recipientName: String
    public var firmName: String
    /// Local times in messages are shown in this zone (the policy calendar's).
    public var zone: ZoneRules

    public init(fireID: String, caseID: String, caseNumber: String, caseTitle: String = "", clientName: String = "",
                policy: String, policyDescription: String = "", stage: Int, repeatNumber: Int, action: Stage.Action,
                subject: String, due: Instant, firedAt: Instant, deliverAt: Instant, explanation: String,
                recipients: [String], recipientName: String = "", firmName: String = "", zone: ZoneRules) {
        self.fireID = fireID
        self.caseID = caseID
        self.caseNumber = caseNumber
        self.caseTitle = caseTitle
        self.clientName = clientName
        self.policy = policy
        self.policyDescription = policyDescription
        self.stage = stage
        self.repeatNumber = repeatNumber
        self.action = action
        self.subject = subject
        self.due = due
        self.firedAt = firedAt
        self.deliverAt = deliverAt
        self.explanation = explanation
        self.recipients = recipients
        self.recipientName = recipientName
        self.firmName = firmName
        self.zone = zone
    }

    /// The template variables. Client name and matter title are present only with `includeClient`.
    public func fields(includeClient: Bool) -> [String: Any] {
        let escalation = action == .escalate
        var f: [String: Any] = [
            "fire_id": fireID, "case_id": caseID, "case_number": caseNumber, "policy": policy,
            "policy_description": policyDescription, "stage": stage, "repeat": repeatNumber, "is_repeat": repeatNumber > 0,
            "action": action.rawValue, "action_label": escalation ? "Escalation" : "Reminder",
            "is_escalation": escalation, "is_reminder": !escalation, "subject": subject,
            "due_at": zone.format(due), "fired_at": zone.format(firedAt), "deliver_at": zone.format(deliverAt),
            "explanation": explanation,
            "explanation_lines": explanation.split(separator: "\n", omittingEmptySubsequences: false).map { ["line": String($0)] },
            "recipients": recipients.joined(separator: ", "), "recipient_name": recipientName, "firm_name": firmName,
            "includes_client": includeClient,
        ]
        if includeClient {
            f["client_name"] = clientName
            f["case_title"] = caseTitle
        }
        return f
    }

    /// Every variable a fire's templates may use (sections included), for `check-config`.
    public static let vocabulary: Set<String> = [
        "fire_id", "case_id", "case_number", "policy", "policy_description", "stage", "repeat", "is_repeat", "action",
        "action_label", "is_escalation", "is_reminder", "subject", "due_at", "fired_at", "deliver_at", "explanation",
        "explanation_lines", "line", "recipients", "recipient_name", "firm_name", "includes_client", "client_name",
        "case_title",
    ]
}
