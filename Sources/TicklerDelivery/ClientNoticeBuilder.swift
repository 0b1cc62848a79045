import TicklerCore

extension ClientNotice {
    /// The message a contact receives for a fire of `policy` on case `c` (as the store has it now) about
    /// `subject`: the kind from the policy's clock (a sensitive stage makes any message the sensitive one),
    /// the stage's text in the contact's language (the whole message in the fallback language when the
    /// stage has no text in theirs: never their language around another's words), whether a stage change
    /// went back to an earlier stage, the date and time of what a reminder is about in their zone with what
    /// it is, where and whether they attend (from the fields the firm fills for clients), the assigned staff
    /// member (while active), and the outstanding documents marked shareable. Nil for a stage-change
    /// message whose stage has no client text: nothing is said rather than half of it.
    public static func build(for contact: Contact, case c: CaseSnapshot, policy: Policy, anchor: Instant?, subject: SubjectRef? = nil,
                             staff: Staff, settings: ClientSettings, firmName: String) -> ClientNotice? {
        var language = settings.language(of: contact)
        var kind = ClientNotice.kind(of: policy)
        var text: StageVocabulary.Text?
        var back = false
        // A stage-change message announces the stage the change settled on (the column says the same once
        // the change is written; a history an integration wrote ahead may not).
        var current = c.stage
        if case .sinceStageChange(let settle) = policy.clock, let t = StageTransition.settled(c.stageChanges, settleSeconds: settle) {
            current = t.to
            back = settings.stages.isEarlier(t.to, than: t.from, practiceArea: c.practiceArea)
        }
        if let stage = current {
            if settings.stages.stage(stage, practiceArea: c.practiceArea)?.sensitive == true {
                kind = .sensitive
            } else if let (t, used) = settings.stages.text(stage, practiceArea: c.practiceArea, language: language,
                                                           fallback: settings.fallbackLanguage) {
                text = t
                language = used
            }
        }
        if kind == .stage && text == nil { return nil }
        var date = "", time = "", what = "", place = "", attend = ""
        if kind == .reminder, let anchor {
            (date, time) = ClientDateFormat.format(anchor, zone: settings.zone(of: contact), language: language)
            (what, place, attend) = ClientNotice.about(subject, in: c, language: language)
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
            scale: scale, stageBack: back, what: what, place: place, attend: attend, portalURL: settings.portalURL ?? "")
    }

    /// The message to send, or why there is none: a stage-change message whose stage has no client text,
    /// a documents message with nothing the firm marked shareable. The one rule for the client lane,
    /// `client-preview` and `simulate`.
    public static func compose(for contact: Contact, case c: CaseSnapshot, policy: Policy, anchor: Instant?, subject: SubjectRef? = nil,
                               staff: Staff, settings: ClientSettings, firmName: String)
        -> Result<ClientNotice, ClientMessageGate.CancelReason> {
        guard let n = build(for: contact, case: c, policy: policy, anchor: anchor, subject: subject, staff: staff, settings: settings,
                            firmName: firmName) else { return .failure(.noStageText) }
        if n.kind == .documents && n.documents.isEmpty { return .failure(.nothingToShow) }
        return .success(n)
    }

    /// What a reminder's date is, where, and whether the client attends, in `language`: from the record's
    /// kind and the fields the firm fills for clients (`location`, `client_attends`, an appointment's
    /// `with_client`); never its title.
    static func about(_ subject: SubjectRef?, in c: CaseSnapshot, language: String) -> (what: String, place: String, attend: String) {
        let es = language.hasPrefix("es")
        guard let subject else { return ("", "", "") }
        switch subject.kind {
        case .appointment:
            guard let a = c.appointments.first(where: { $0.id == subject.id }) else { return ("", "", "") }
            return (es ? "una cita" : "an appointment", a.location,
                    a.withClient ? (es ? "Su presencia es necesaria." : "You need to be there.") : "")
        case .deadline:
            guard let d = c.deadlines.first(where: { $0.id == subject.id }) else { return ("", "", "") }
            let what = switch d.kind {
            case .court: es ? "una fecha en el tribunal" : "a court date"
            case .filing, .statute, .internal: es ? "una fecha límite" : "a deadline"
            }
            let attend = switch d.clientAttends {
            case true?: es ? "Su presencia es necesaria." : "You need to be there."
            case false?: es ? "No necesita asistir." : "You do not need to attend."
            case nil: ""
            }
            return (what, d.location, attend)
        default:
            return ("", "", "")
        }
    }
}
