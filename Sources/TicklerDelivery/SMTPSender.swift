import CCurl
import TicklerCore

/// Sends mail to the firm's relay through libcurl's SMTP: `smtp://` with STARTTLS required, opportunistic
/// or off, or `smtps://` (TLS from the first byte); AUTH when a username is configured. The handle keeps
/// the session open between messages, so a burst goes over one connection. Blocking: call it from the
/// email lane's own thread, never from the poll loop.
public final class SMTPSender {
    public let settings: ChannelSettings.Email
    private let password: String?
    private let handle = CurlHandle()
    /// Seconds to connect, and for one whole message.
    private let connectTimeout: Int
    private let timeout: Int

    /// `password` is the secret read from the credentials directory (never logged).
    public init(settings: ChannelSettings.Email, password: String?, connectTimeout: Int = 10, timeout: Int = 60) {
        self.settings = settings
        self.password = password
        self.connectTimeout = connectTimeout
        self.timeout = timeout
    }

    /// Sends `message` to `message.to`.
    public func send(_ message: MailMessage) -> SendOutcome {
        let buffers = CurlTransferBuffers(upload: message.bytes)
        handle.reset()
        handle.set(CURLOPT_URL, settings.url)
        switch settings.startTLS {
        case .required: handle.set(CURLOPT_USE_SSL, Int(CURLUSESSL_ALL.rawValue))
        case .opportunistic: handle.set(CURLOPT_USE_SSL, Int(CURLUSESSL_TRY.rawValue))
        case .off: if !settings.url.lowercased().hasPrefix("smtps://") { handle.set(CURLOPT_USE_SSL, Int(CURLUSESSL_NONE.rawValue)) }
        }
        if let ca = settings.caFile { handle.set(CURLOPT_CAINFO, ca) }
        if let user = settings.username {
            handle.set(CURLOPT_USERNAME, user)
            handle.set(CURLOPT_PASSWORD, password ?? "")
        }
        handle.set(CURLOPT_MAIL_FROM, "<\(MailHeader.clean(message.from.address))>")
        handle.set(CURLOPT_MAIL_RCPT, list: ["<\(MailHeader.clean(message.to.address))>"])
        handle.set(CURLOPT_UPLOAD, 1)
        handle.set(CURLOPT_INFILESIZE_LARGE, size: Int64(buffers.upload.count))
        handle.set(CURLOPT_CONNECTTIMEOUT, connectTimeout)
        handle.set(CURLOPT_TIMEOUT, timeout)
        buffers.install(on: handle)
        let (code, detail) = withExtendedLifetime(buffers) { handle.perform() }
        return Self.outcome(code: code, reply: handle.responseCode, detail: detail)
    }

    /// How libcurl's result maps to a delivery outcome. A 5xx reply to this message or recipient is
    /// final; login failures, 4xx replies and anything on the way to the server are retried (a login
    /// failure or an unreachable server pauses the whole channel).
    static func outcome(code: CURLcode, reply: Int, detail: String) -> SendOutcome {
        if code == CURLE_OK { return .delivered }
        let what = reply > 0 ? "\(detail) (server replied \(reply))" : detail
        if code == CURLE_LOGIN_DENIED || [421, 530, 534, 535, 538].contains(reply) {
            return .retry(reason: what, channelDown: true)
        }
        switch reply {
        case 500...599: return .failed(reason: what)
        case 400...499: return .retry(reason: what, channelDown: false)
        default: return .retry(reason: what, channelDown: true)
        }
    }
}
