import Dispatch
import TicklerClio
import TicklerCore
import TicklerDelivery

/// The sending end of one channel: its libcurl sender, used only on the lane's own serial queue, so a
/// blocking send (a slow relay, a hung webhook) holds that queue and nothing else: not the poll loop,
/// not another channel.
final class LaneWorker: @unchecked Sendable {
    enum Job {
        case email(MailMessage)
        case webhook(body: [UInt8], key: String, now: Instant)
        case sms(to: String, body: String, key: String)
        case clioTask(ClioTaskSender.Request)
    }

    private enum Sender {
        case email(SMTPSender)
        case webhook(WebhookSender)
        case sms(SMSSender)
        case clioTask(ClioTaskSender)
        /// A credential is missing: every attempt is retried, the channel counts as down.
        case unavailable(String)
        case none
    }

    private let queue: DispatchQueue
    private let sender: Sender

    /// `secret` reads a credential by name (`$CREDENTIALS_DIRECTORY`).
    init(channel: String, settings: ChannelSettings, secret: (String) throws -> String) {
        queue = DispatchQueue(label: "ticklerd.lane.\(channel)")
        switch settings {
        case .email(let e):
            if let name = e.passwordCredential {
                do { sender = .email(SMTPSender(settings: e, password: try secret(name))) } catch {
                    sender = .unavailable("\(error)")
                }
            } else {
                sender = .email(SMTPSender(settings: e, password: nil))
            }
        case .webhook(let w):
            do { sender = .webhook(WebhookSender(settings: w, secret: try secret(w.secretCredential))) } catch {
                sender = .unavailable("\(error)")
            }
        case .sms(let t):
            do { sender = .sms(SMSSender(settings: t, token: try secret(t.authTokenCredential))) } catch {
                sender = .unavailable("\(error)")
            }
        case .clioTask(let c):
            do {
                sender = .clioTask(ClioTaskSender(settings: c, clientSecret: try secret(c.clientSecretCredential),
                                                  refreshToken: try secret(c.refreshTokenCredential)))
            } catch {
                sender = .unavailable("\(error)")
            }
        case .journal, .outbox:
            sender = .none
        }
    }

    func send(_ job: Job) async -> SendOutcome {
        await sendWithReceipt(job).outcome
    }

    /// The outcome and, for a text the gateway took, its id for the message (status callbacks name it).
    func sendWithReceipt(_ job: Job) async -> (outcome: SendOutcome, providerID: String?) {
        await withCheckedContinuation { c in
            queue.async { c.resume(returning: self.perform(job)) }
        }
    }

    private func perform(_ job: Job) -> (outcome: SendOutcome, providerID: String?) {
        switch (sender, job) {
        case (.email(let s), .email(let m)): return (s.send(m), nil)
        case (.webhook(let s), .webhook(let body, let key, let now)): return (s.send(body: body, idempotencyKey: key, now: now), nil)
        case (.sms(let s), .sms(let to, let body, let key)):
            let (outcome, sid) = s.send(to: to, body: body, idempotencyKey: key)
            return (outcome, sid)
        case (.clioTask(let s), .clioTask(let r)): return (s.send(r), nil)
        case (.unavailable(let why), _): return (.retry(reason: why, channelDown: true), nil)
        default: return (.failed(reason: "this channel cannot send that kind of message"), nil)
        }
    }
}
