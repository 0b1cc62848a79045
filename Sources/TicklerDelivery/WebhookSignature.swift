import Crypto

/// The webhook signature: `t=UNIX,v1=HEX(HMAC-SHA256(secret, "t.body"))`. A receiver recomputes it with
/// the shared secret, compares in constant time, and rejects old timestamps to stop replays.
public struct WebhookSignature: Sendable {
    private let secret: [UInt8]

    public init(secret: [UInt8]) { self.secret = secret }

    public func header(body: [UInt8], timestamp: Int64) -> String {
        "t=\(timestamp),v1=\(hex(body: body, timestamp: timestamp))"
    }

    public func hex(body: [UInt8], timestamp: Int64) -> String {
        var signed = Array("\(timestamp).".utf8)
        signed += body
        let mac = HMAC<SHA256>.authenticationCode(for: signed, using: SymmetricKey(data: secret))
        return mac.map { b in (b < 16 ? "0" : "") + String(b, radix: 16) }.joined()
    }

    /// Checks a `Tickler-Signature` header against `body`.
    public func verify(header: String, body: [UInt8]) -> Bool {
        var t: Int64?
        var v1: String?
        for part in header.split(separator: ",") {
            if part.hasPrefix("t=") { t = Int64(part.dropFirst(2)) }
            if part.hasPrefix("v1=") { v1 = String(part.dropFirst(3)) }
        }
        guard let t, let v1 else { return false }
        let expected = Array(hex(body: body, timestamp: t).utf8)
        let given = Array(v1.utf8)
        guard expected.count == given.count else { return false }
        return zip(expected, given).reduce(UInt8(0)) { $0 | ($1.0 ^ $1.1) } == 0
    }
}
