import CCurl
import Foundation
import TicklerCore

/// POSTs signed JSON to a webhook through libcurl (HTTPS, or HTTP to loopback). Each request carries
/// `Idempotency-Key: <fire id>` and `Tickler-Signature: t=UNIX,v1=HEX(HMAC-SHA256(secret, "t.body"))`.
/// 2xx is delivered; 4xx other than 408 and 429 is refused for good; anything else is retried.
/// Blocking: call it from the webhook lane's own thread.
public final class WebhookSender {
    public let settings: ChannelSettings.Webhook
    private let signer: WebhookSignature
    private let handle = CurlHandle()
    private let connectTimeout: Int
    private let timeout: Int

    /// `secret` is the HMAC key read from the credentials directory (never logged).
    public init(settings: ChannelSettings.Webhook, secret: String, connectTimeout: Int = 10, timeout: Int = 30) {
        self.settings = settings
        self.signer = WebhookSignature(secret: Array(secret.utf8))
        self.connectTimeout = connectTimeout
        self.timeout = timeout
    }

    public func send(body: [UInt8], idempotencyKey: String, now: Instant) -> SendOutcome {
        let (completed, detail, status, _) = handle.post(settings.url, body: body, headers: [
            "Content-Type: application/json; charset=utf-8",
            "User-Agent: ticklerd",
            "Idempotency-Key: \(MailHeader.clean(idempotencyKey))",
            "Tickler-Signature: \(signer.header(body: body, timestamp: now.seconds))",
        ], caFile: settings.caFile, connectTimeout: connectTimeout, timeout: timeout)
        if !completed { return .retry(reason: detail, channelDown: true) }
        return Self.outcome(status: status)
    }

    /// What an HTTP answer from `what` means for the delivery and for the channel.
    static func outcome(status: Int, what: String = "the receiver") -> SendOutcome {
        switch status {
        case 200...299: .delivered
        case 408, 429: .retry(reason: "\(what) answered HTTP \(status)", channelDown: false)
        case 400...499: .failed(reason: "\(what) refused the request: HTTP \(status)")
        default: .retry(reason: "\(what) answered HTTP \(status)", channelDown: true)
        }
    }
}
