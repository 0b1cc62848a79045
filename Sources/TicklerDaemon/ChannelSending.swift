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
        case .journal, .outbox, .sms:
            return .failed(reason: "channel \(channel) is not queued")
        }
    }
}
