import TicklerClio
import TicklerConfig
import TicklerCore
import TicklerDelivery
import TicklerStore

/// The sending end of an email or webhook channel's lane: the message of a fire, a digest or a forwarded
/// reply, written from the queue's row and sent by the channel's worker.
struct ChannelSending: LaneSending {
    let channel: String
    let settings: ChannelSettings
    let context: DeliveryContext
    let worker: LaneWorker

    init(channel: String, settings: ChannelSettings, context: DeliveryContext, secret: (String) throws -> String) {
        self.channel = channel
        self.settings = settings
        self.context = context
        self.worker = LaneWorker(channel: channel, settings: settings, secret: secret)
    }

    func attempt(_ d: PendingDelivery, now: Instant) async -> LaneAttempt {
        .attempted(await send(d, now: now), client: nil)
    }

    private func send(_ d: PendingDelivery, now: Instant) async -> SendOutcome {
        switch settings {
        case .email(let e):
            let to: Mailbox
            switch context.mailbox(d) {
            case .success(let m): to = m
            case .failure(let problem): return .failed(reason: problem.message)
            }
            if let r = d.reply {
                return await worker.send(.email(context.replyEmail(d, r, to: to, settings: e, now: now)))
            }
            if d.kind == .reply { return .failed(reason: "the forwarded text does not read") }
            if let f = d.fire {
                return await worker.send(.email(context.composer.email(context.notice(d, f), to: to, settings: e, now: now)))
            }
            if let g = d.digest {
                let digest = context.digestNotice(d, g, now: now)
                return await worker.send(.email(context.composer.digest(digest, to: to, settings: e, now: now)))
            }
            return .failed(reason: "the fire is no longer in the ledger")
        case .webhook(let w):
            guard let f = d.fire, d.kind == .fire else { return .failed(reason: "the fire is no longer in the ledger") }
            let body = context.composer.webhookBody(context.notice(d, f), includeClient: w.includeClient)
            return await worker.send(.webhook(body: body, key: d.sourceID, now: now))
        case .clioTask(let c):
            guard let f = d.fire, d.kind == .fire else { return .failed(reason: "the fire is no longer in the ledger") }
            switch Self.clioTask(d, f, zone: ZoneRules.named(c.timeZone) ?? context.defaultZone, notice: context.notice(d, f)) {
            case .success(let r): return await worker.send(.clioTask(r))
            case .failure(let box): return box.outcome
            }
        case .journal, .outbox, .sms:
            return .failed(reason: "channel \(channel) is not queued")
        }
    }

    /// A fire as a Clio task for one recipient: on its matter, assigned to the recipient (a Clio user), due
    /// on the fire's day, named for the step and described by its explanation. A case or a person that did
    /// not come from Clio has no task there: refused for good.
    static func clioTask(_ d: PendingDelivery, _ f: FiredStep, zone: ZoneRules, notice: Notice) -> Result<ClioTaskSender.Request, ClioTaskRefusal> {
        guard let matter = ClioID.parse(f.caseID, as: .matter) else {
            return .failure(ClioTaskRefusal(.failed(reason: "case \(f.caseID) is not a Clio matter")))
        }
        guard let user = ClioID.parse(d.recipient, as: .user) else {
            return .failure(ClioTaskRefusal(.failed(reason: "recipient \(d.recipient) is not a Clio user")))
        }
        let what = f.action == .escalate ? "Escalation" : "Follow-up"
        let policy = notice.policyDescription.isEmpty ? f.policy : notice.policyDescription
        let name = "\(what): \(policy)"
        let description = "\(f.policy), step \(f.stage)" + (f.explanation.isEmpty ? "" : "\n" + f.explanation)
        return .success(ClioTaskSender.Request(matterID: matter, assigneeID: user, name: name, description: description,
                                               due: zone.localDate(f.due), marker: ClioTaskSender.marker(fireID: d.sourceID, recipient: d.recipient)))
    }
}

/// Why a fire has no Clio task.
struct ClioTaskRefusal: Error {
    var outcome: SendOutcome
    init(_ outcome: SendOutcome) { self.outcome = outcome }
}
