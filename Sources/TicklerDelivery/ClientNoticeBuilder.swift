import TicklerCore

extension ClientNotice {
    /// The message a contact receives for a fire of `policy` on case `c` (as the store has it now): the
    /// kind from the policy's clock (a sensitive stage makes any message the sensitive one), the stage's
    /// text in the contact's language, the date and time of what a reminder is about in their zone, the
    /// assigned staff member (while active), and the outstanding documents marked shareable. Nil for a
    /// stage-change message whose stage has no client text: nothing is said rather than half of it.
    public static func build(for contact: Contact, case c: CaseSnapshot, policy: Policy, anchor: Instant?, staff: Staff,
                             settings: ClientSettings, firmName: String) -> ClientNotice? {
        let language = settings.language(of: contact)
        var kind = ClientNotice.kind(of: policy)
        var text: StageVocabulary.Text?
        // A stage-change message announces the stage the change settled on (the column says the same once
        // the change is written; a history an integration wrote ahead may not).
        var current = c.stage
        if case .sinceStageChange(let settle) = policy.clock, let t = StageTransition.settled(c.stageChanges, settleSeconds: settle) {
            current = t.to
        }
        if let stage = current {
            if settings.stages.stage(stage, practiceArea: c.practiceArea)?.sensitive == true {
                kind = .sensitive
            } else {
                text = settings.stages.text(stage, practiceArea: c.practiceArea, language: language, fallback: settings.fallbackLanguage)?.0
            }
        }
        if kind == .stage && text == nil { return nil }
        var date = "", time = ""
        if kind == .reminder, let anchor {
            (date, time) = ClientDateFormat.format(anchor, zone: settings.zone(of: contact), language: language)
        }
        var scale = ""
        if kind == .survey {
            let s = settings.surveyScale
            scale = language.hasPrefix("es") ? "del \(s.min) al \(s.max)" : "\(s.min) to \(s.max)"
        }
        let assignee = c.assigneeID.flatMap { staff.people[$0] }.flatMap { $0.active ? $0 : nil }
        return ClientNotice(
            kind: kind, language: language, firmName: firmName, firstName: contact.firstName, stage: text, date: date, time: time,
            staffName: assignee?.name ?? "", staffPhone: assignee?.phone ?? "",
            documents: c.documentRequests.filter { $0.receivedAt == nil && $0.shareable }.sorted { $0.requestedAt < $1.requestedAt }
                .map(\.title),
            scale: scale)
    }
}
