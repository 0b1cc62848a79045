import TicklerCore

/// The form of a request from the SMS gateway, checked before anything in it is believed: only the fields
/// the gateway documents for that request (and those `accept_fields` adds), each at most once, each value
/// of its documented shape.
///
/// Why so strict: the gateway's signature covers the names and values run together with no separator, so
/// a signed request can be re-split into another with the same signed bytes (`Body=STARTFrom+1213…` re-sent
/// as `Body=START`, `From=+1213…` and a field named `From+1999…`). With documented names only, each once,
/// a forged `From` would have to sit inside the attacker's own `Body`, and the signed bytes that follow
/// (`From+<attacker's number>`) would have to fall inside a later field's value; the only later fields
/// whose values may hold a `+` are `To` (a number, which must then start right at that `+`, where the
/// bytes before it are `From`, not `To`) and the lowercase media types (which cannot hold the `F` of
/// `From`). So no re-split of a real request passes (docs/threat-model.md).
public struct GatewayForm: Sendable, Equatable {
    /// The fields, by name.
    public let fields: [String: String]

    public subscript(_ name: String) -> String? { fields[name] }

    /// What the gateway posts to.
    public enum Route: String, Sendable {
        /// An inbound message (a client's text).
        case message
        /// A status callback for a message we sent.
        case status
        /// A voice call's status callback: a call on the firm's line ended (or changed state).
        case call
    }

    /// The shape a documented field's value must have.
    enum Shape {
        /// Letters and digits, 1–64 (`AC…`, `SM…`, `MG…`).
        case sid
        /// E.164: `+` and 2–15 digits, the first not 0.
        case number
        /// 1–6 digits.
        case count
        /// Letters, digits, `-` and `_`, 1–32 (`received`, `undelivered`, `STOP`).
        case word
        /// A place name or postal code: at most 64 characters, no `+`, no control characters.
        case place
        /// Free text: the message itself.
        case text
        /// A lowercase media type (`image/jpeg`, `image/svg+xml`).
        case mediaType
        /// An https address without `+`, spaces or control characters.
        case url
        /// Anything the gateway adds that `accept_fields` lets through: at most 256 characters, no `+`.
        case accepted
        /// A caller: E.164, or a word the gateway puts for a hidden number (`anonymous`, `restricted`).
        case caller
        /// An RFC 2822 date exactly as the gateway writes it: `Mon, 16 Aug 2010 03:45:01 +0000`.
        case timestamp
    }

    /// The fields the gateway documents for an inbound message.
    static let messageFields: [String: Shape] = {
        var f: [String: Shape] = [
            "MessageSid": .sid, "SmsSid": .sid, "SmsMessageSid": .sid, "AccountSid": .sid, "MessagingServiceSid": .sid,
            "From": .number, "To": .number, "Body": .text, "NumMedia": .count, "NumSegments": .count, "ReferralNumMedia": .count,
            "FromCity": .place, "FromState": .place, "FromZip": .place, "FromCountry": .place,
            "ToCity": .place, "ToState": .place, "ToZip": .place, "ToCountry": .place,
            "ApiVersion": .word, "SmsStatus": .word, "OptOutType": .word, "MessageType": .word,
        ]
        for i in 0..<10 {
            f["MediaContentType\(i)"] = .mediaType
            f["MediaUrl\(i)"] = .url
        }
        return f
    }()

    /// The fields the gateway documents for a message status callback.
    static let statusFields: [String: Shape] = [
        "MessageSid": .sid, "SmsSid": .sid, "AccountSid": .sid, "MessagingServiceSid": .sid, "From": .number, "To": .number,
        "MessageStatus": .word, "SmsStatus": .word, "ErrorCode": .count, "ApiVersion": .word, "RawDlrDoneDate": .count,
        "NumSegments": .count, "NumMedia": .count, "ChannelPrefix": .word, "ChannelInstallSid": .sid,
        "ChannelToAddress": .number,
    ]

    /// The fields the gateway documents for a voice call's status callback. The caller's name (CNAM) is
    /// not among them: it is the caller's own text (`accept_fields` can add it).
    static let callFields: [String: Shape] = {
        var f: [String: Shape] = [
            "CallSid": .sid, "AccountSid": .sid, "ParentCallSid": .sid, "From": .caller, "To": .caller, "Called": .caller, "Caller": .caller,
            "ForwardedFrom": .caller, "CallStatus": .word, "Direction": .word, "ApiVersion": .word, "CallDuration": .count,
            "Duration": .count, "RecordingDuration": .count, "RecordingSid": .sid, "RecordingUrl": .url, "SipResponseCode": .count,
            "SequenceNumber": .count, "CallbackSource": .word, "Timestamp": .timestamp, "AnsweredBy": .word, "StirVerstat": .word,
        ]
        for who in ["From", "To", "Called", "Caller"] {
            for part in ["City", "State", "Zip", "Country"] { f[who + part] = .place }
        }
        return f
    }()

    /// The fields a request must carry.
    static func required(_ route: Route) -> [String] {
        switch route {
        case .message: ["AccountSid", "MessageSid", "From", "To"]
        case .status: ["AccountSid", "MessageSid", "MessageStatus"]
        case .call: ["AccountSid", "CallSid", "CallStatus", "Direction", "From", "To"]
        }
    }

    /// Why a form was refused. Its description names a field only when the name is a plain identifier
    /// (a forged name is attacker's text) and never repeats a value.
    public enum Problem: Error, Sendable, Equatable, CustomStringConvertible {
        case undocumented(String)
        case repeated(String)
        case malformed(String)
        case missing(String)

        public var description: String {
            switch self {
            case .undocumented(let n): "a field the gateway does not document (\(Self.shown(n)))"
            case .repeated(let n): "field \(Self.shown(n)) given more than once"
            case .malformed(let n): "field \(n) is not of its documented form"
            case .missing(let n): "field \(n) is missing"
            }
        }

        /// The name itself when it is letters and digits (at most 64), else only its length.
        static func shown(_ name: String) -> String {
            name.count <= 64 && !name.isEmpty && name.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber) }
                ? name : "a name of \(name.utf8.count) bytes"
        }
    }

    /// Checks `form` as a request to `route`; `accepted`: names `accept_fields` allows besides.
    public static func check(_ form: [(String, String)], route: Route, accepted: [String] = []) -> Result<GatewayForm, Problem> {
        let documented = switch route {
        case .message: messageFields
        case .status: statusFields
        case .call: callFields
        }
        var fields: [String: String] = [:]
        for (name, value) in form {
            guard let shape = documented[name] ?? (accepted.contains(name) ? .accepted : nil) else { return .failure(.undocumented(name)) }
            guard fields[name] == nil else { return .failure(.repeated(name)) }
            guard matches(value, shape) else { return .failure(.malformed(name)) }
            fields[name] = value
        }
        for name in required(route) where fields[name] == nil { return .failure(.missing(name)) }
        return .success(GatewayForm(fields: fields))
    }

    static func matches(_ value: String, _ shape: Shape) -> Bool {
        let bytes = Array(value.utf8)
        func all(_ ok: (UInt8) -> Bool) -> Bool { bytes.allSatisfy(ok) }
        let isDigit = { (b: UInt8) in b >= 0x30 && b <= 0x39 }
        let isLetter = { (b: UInt8) in (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A) }
        let noControl = { (b: UInt8) in b >= 0x20 && b != 0x7F }
        switch shape {
        case .sid: return (1...64).contains(bytes.count) && all { isDigit($0) || isLetter($0) }
        case .number: return Contact.isE164(value)
        case .count: return (1...6).contains(bytes.count) && all(isDigit)
        case .word:
            return (1...32).contains(bytes.count) && all { isDigit($0) || isLetter($0) || $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: "_") }
        case .place: return value.count <= 64 && all { noControl($0) && $0 != UInt8(ascii: "+") }
        case .text: return true
        case .mediaType:
            guard bytes.count <= 128, let slash = bytes.firstIndex(of: UInt8(ascii: "/")), slash > 0, slash < bytes.count - 1 else { return false }
            return all { (b: UInt8) in (b >= 0x61 && b <= 0x7A) || isDigit(b) || "/.+-_;= ".utf8.contains(b) }
        case .url:
            return bytes.count <= 2048 && value.hasPrefix("https://")
                && all { $0 > 0x20 && $0 != 0x7F && $0 != UInt8(ascii: "+") }
        case .accepted: return value.count <= 256 && all { noControl($0) && $0 != UInt8(ascii: "+") }
        case .caller: return Contact.isE164(value) || ((1...32).contains(bytes.count) && all(isLetter))
        case .timestamp:
            // `Www, DD Mmm YYYY HH:MM:SS +ZZZZ`, 31 bytes, each in its place.
            let pattern = Array("Aaa, 00 Aaa 0000 00:00:00 +0000".utf8)
            guard bytes.count == pattern.count else { return false }
            return zip(bytes, pattern).allSatisfy { b, p in
                switch p {
                case UInt8(ascii: "A"), UInt8(ascii: "a"): isLetter(b)
                case UInt8(ascii: "0"): isDigit(b)
                case UInt8(ascii: "+"): b == UInt8(ascii: "+") || b == UInt8(ascii: "-")
                default: b == p
                }
            }
        }
    }
}
