/// One line of a person's daily digest: an open follow-up of theirs.
public struct DigestEntry: Sendable, Equatable {
    public var caseID: String
    public var caseNumber: String
    /// Filled in when the digest is sent, from the case as it is then; empty in the store.
    public var clientName: String
    public var policy: String
    public var stage: Int
    public var action: Stage.Action
    public var due: Instant

    public init(caseID: String, caseNumber: String, clientName: String = "", policy: String, stage: Int, action: Stage.Action,
                due: Instant) {
        self.caseID = caseID
        self.caseNumber = caseNumber
        self.clientName = clientName
        self.policy = policy
        self.stage = stage
        self.action = action
        self.due = due
    }

    public init(_ open: OpenFollowUp) {
        self.init(caseID: open.caseID, caseNumber: open.caseNumber, policy: open.policy, stage: open.step.stage,
                  action: open.action, due: open.due)
    }

    /// Digest order: oldest due first, then case number, policy and stage.
    public static func precedes(_ a: DigestEntry, _ b: DigestEntry) -> Bool {
        (a.due, a.caseNumber, a.policy, a.stage) < (b.due, b.caseNumber, b.policy, b.stage)
    }
}
