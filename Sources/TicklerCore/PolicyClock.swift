/// What a policy measures from (`since:`) or toward (`until:`), and how it turns a case into subjects.
public enum PolicyClock: Sendable, Equatable {
    case sinceClientUpdate
    case sinceInbound
    case sinceDocumentRequest
    case sinceActivity
    case sinceOpened
    /// A settled change of the case's stage (see `StageTransition`); changes closer than `settleSeconds`
    /// are one change.
    case sinceStageChange(settleSeconds: Int64)
    /// A closed case, from its `closed_at` (a survey 30 days after closing).
    case sinceClosed
    /// Each survey answer at or under `atMost`, until a later outbound communication (someone called back).
    case sinceLowScore(atMost: Int)
    /// Each open staff task (`StaffTask`): what Tickler could not do and a person must.
    case sinceStaffTask
    /// `kinds` nil means every deadline kind.
    case untilDeadline(kinds: Set<Deadline.Kind>?)
    case untilAppointment

    /// `since: client_update`, `until: deadline`…
    public var name: String {
        switch self {
        case .sinceClientUpdate: "since: client_update"
        case .sinceInbound: "since: inbound"
        case .sinceDocumentRequest: "since: document_request"
        case .sinceActivity: "since: activity"
        case .sinceOpened: "since: opened"
        case .sinceStageChange: "since: stage_change"
        case .sinceClosed: "since: closed"
        case .sinceLowScore: "since: low_score"
        case .sinceStaffTask: "since: staff_task"
        case .untilDeadline: "until: deadline"
        case .untilAppointment: "until: appointment"
        }
    }

    /// The purpose of a client message this clock prompts, unless the policy says otherwise: news of the
    /// case for the clocks of its progress, a reminder for those of things to do or attend.
    public var clientPurpose: MessagePurpose {
        switch self {
        case .sinceClientUpdate, .sinceActivity, .sinceOpened, .sinceStageChange, .sinceClosed: .caseUpdates
        case .sinceInbound, .sinceLowScore, .sinceDocumentRequest, .untilDeadline, .untilAppointment, .sinceStaffTask: .reminders
        }
    }

    /// Whether this clock counts down to an instant (a deadline, an appointment): its subject's anchor is
    /// when a client notice stops being useful.
    public var countsDown: Bool {
        switch self {
        case .untilDeadline, .untilAppointment: true
        default: false
        }
    }

    /// Whether this clock counts down to a deadline (whose client notices are essential by default).
    public var isDeadline: Bool {
        if case .untilDeadline = self { true } else { false }
    }

    public static let sinceValues = ["client_update", "inbound", "document_request", "activity", "opened", "stage_change", "closed", "low_score",
                                     "staff_task"]
    public static let untilValues = ["deadline", "appointment"]

    /// The open cycles of this clock on `c`; resolved subjects are not yielded.
    public func subjects(of c: CaseSnapshot) -> [Subject] {
        switch self {
        case .sinceClientUpdate:
            var latest: Communication?
            for m in c.communications where m.direction == .outbound && m.kind == .statusUpdate {
                if latest == nil || m.occurredAt > latest!.occurredAt
                    || (m.occurredAt == latest!.occurredAt && m.id > latest!.id) { latest = m }
            }
            if let m = latest {
                return [Subject(ref: SubjectRef(.case, c.id), anchor: m.occurredAt,
                                anchorSource: .statusUpdate(communication: m.id))]
            }
            return [Subject(ref: SubjectRef(.case, c.id), anchor: c.openedAt,
                            anchorSource: .openedNoStatusUpdate)]

        case .sinceInbound:
            let lastOutbound = c.lastPersonalOutbound
            return c.communications.compactMap { m in
                guard m.direction == .inbound, m.respondedAt == nil else { return nil }
                if let o = lastOutbound, o > m.occurredAt { return nil }
                return Subject(ref: SubjectRef(.communication, m.id), anchor: m.occurredAt,
                               anchorSource: .unansweredInbound(channel: m.channel, communication: m.id))
            }

        case .sinceDocumentRequest:
            return c.documentRequests.compactMap { r in
                guard r.receivedAt == nil else { return nil }
                return Subject(ref: SubjectRef(.documentRequest, r.id), anchor: r.requestedAt,
                               anchorSource: .documentRequested(r.id))
            }

        case .sinceActivity:
            var latest: Communication?
            for m in c.communications where latest == nil || m.occurredAt > latest!.occurredAt { latest = m }
            if let m = latest {
                return [Subject(ref: SubjectRef(.case, c.id), anchor: m.occurredAt,
                                anchorSource: .latestCommunication(m.id))]
            }
            return [Subject(ref: SubjectRef(.case, c.id), anchor: c.openedAt, anchorSource: .openedNoCommunication)]

        case .sinceOpened:
            if c.communications.contains(where: { $0.direction == .outbound }) { return [] }
            return [Subject(ref: SubjectRef(.case, c.id), anchor: c.openedAt, anchorSource: .openedNoOutboundContact)]

        case .sinceStageChange(let settle):
            guard let t = StageTransition.settled(c.stageChanges, settleSeconds: settle) else { return [] }
            return [Subject(ref: SubjectRef(.case, c.id), anchor: t.at, anchorSource: .stageChanged(from: t.from, to: t.to))]

        case .sinceClosed:
            guard c.status == .closed, let closed = c.closedAt else { return [] }
            return [Subject(ref: SubjectRef(.case, c.id), anchor: closed, anchorSource: .caseClosed)]

        case .sinceLowScore(let atMost):
            let lastOutbound = c.lastPersonalOutbound
            return c.surveyResponses.compactMap { r in
                guard r.score <= atMost else { return nil }
                if let o = lastOutbound, o > r.receivedAt { return nil }
                return Subject(ref: SubjectRef(.surveyResponse, r.id), anchor: r.receivedAt,
                               anchorSource: .lowScore(score: r.score, of: r.scaleMax, response: r.id))
            }

        case .sinceStaffTask:
            let lastOutbound = c.lastPersonalOutbound
            return c.staffTasks.compactMap { t in
                guard t.isOpen(lastPersonalOutbound: lastOutbound) else { return nil }
                return Subject(ref: SubjectRef(.staffTask, t.id), anchor: t.createdAt, anchorSource: .staffTask(t.id))
            }

        case .untilDeadline(let kinds):
            return c.deadlines.compactMap { d in
                guard d.completedAt == nil, kinds?.contains(d.kind) ?? true else { return nil }
                return Subject(ref: SubjectRef(.deadline, d.id), anchor: d.dueAt,
                               anchorSource: .deadlineDue(kind: d.kind, id: d.id), courtCalendar: d.courtCalendar)
            }

        case .untilAppointment:
            return c.appointments.compactMap { a in
                guard !a.cancelled else { return nil }
                return Subject(ref: SubjectRef(.appointment, a.id), anchor: a.startsAt, endsAt: a.startsAt,
                               anchorSource: .appointmentStarts(a.id))
            }
        }
    }
}
