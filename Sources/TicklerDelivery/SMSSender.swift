import CCurl
import Foundation
import TicklerCore

/// Posts a text message to a gateway with the Twilio-compatible Messages API through libcurl:
/// `POST {url}/2010-04-01/Accounts/{AccountSid}/Messages.json`, form-encoded `To`, `From` (or
/// `MessagingServiceSid`), `Body` and `StatusCallback`, authenticated with the account SID and the auth
/// token (HTTP Basic). An `Idempotency-Key` header names the message, for gateways that deduplicate.
/// 2xx is delivered; 4xx other than 408 and 429 is refused for good (a bad number, a recipient who opted
/// out at the carrier); anything else is retried. Blocking: call it from its lane's own thread.
public final class SMSSender {
    public let settings: ChannelSettings.SMS
    private let token: String
    private let handle = CurlHandle()
    private let connectTimeout: Int
    private let timeout: Int

    /// `token` is the auth token read from the credentials directory (never logged).
    public init(settings: ChannelSettings.SMS, token: String, connectTimeout: Int = 10, timeout: Int = 30) {
        self.settings = settings
        self.token = token
        self.connectTimeout = connectTimeout
        self.timeout = timeout
    }

    /// The endpoint messages are posted to.
    public var endpoint: String {
        let base = settings.url.hasSuffix("/") ? String(settings.url.dropLast()) : settings.url
        return base + "/2010-04-01/Accounts/" + settings.accountSID + "/Messages.json"
    }

    /// The form fields of a message to `to` (E.164).
    public func form(to: String, body: String) -> [(String, String)] {
        var fields = [("To", to)]
        if let from = settings.from { fields.append(("From", from)) }
        if let service = settings.messagingServiceSID { fields.append(("MessagingServiceSid", service)) }
        fields.append(("Body", body))
        if let callback = settings.statusCallback { fields.append(("StatusCallback", callback)) }
        return fields
    }

    /// The outcome, and the gateway's id of the message (`sid` of its answer) when it took it: its status
    /// callbacks name that id.
    public func send(to: String, body: String, idempotencyKey: String) -> (outcome: SendOutcome, messageSID: String?) {
        let (completed, detail, status, answer) = handle.post(endpoint, body: Array(Self.formEncode(form(to: to, body: body)).utf8), headers: [
            "Content-Type: application/x-www-form-urlencoded",
            "Accept: application/json",
            "User-Agent: ticklerd",
            "Idempotency-Key: \(MailHeader.clean(idempotencyKey))",
        ], caFile: settings.caFile, connectTimeout: connectTimeout, timeout: timeout, basicAuth: (settings.accountSID, token))
        if !completed { return (.retry(reason: detail, channelDown: true), nil) }
        let outcome = WebhookSender.outcome(status: status, what: "the SMS gateway")
        return (outcome, outcome == .delivered ? Self.messageSID(answer) : nil)
    }

    /// The `sid` of the gateway's JSON answer when it is a plain id (letters and digits, at most 64).
    static func messageSID(_ answer: [UInt8]) -> String? {
        guard let o = try? JSONSerialization.jsonObject(with: Data(answer)) as? [String: Any], let sid = o["sid"] as? String,
              !sid.isEmpty, sid.count <= 64, sid.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber) }) else { return nil }
        return sid
    }

    /// `application/x-www-form-urlencoded`: unreserved characters as they are, space as `+`, the rest
    /// percent-encoded UTF-8.
    public static func formEncode(_ fields: [(String, String)]) -> String {
        fields.map { escape($0.0) + "=" + escape($0.1) }.joined(separator: "&")
    }

    static func escape(_ s: String) -> String {
        var out = ""
        for b in s.utf8 {
            switch b {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                 UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "*"):
                out.unicodeScalars.append(Unicode.Scalar(b))
            case UInt8(ascii: " "): out += "+"
            default: out += String(format: "%%%02X", b)
            }
        }
        return out
    }
}
