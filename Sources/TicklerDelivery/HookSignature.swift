import Crypto

/// Clio's webhook signature (`X-Hook-Signature`): the lowercase hex HMAC-SHA256 of the raw request body,
/// keyed with the webhook's shared secret. Compared in constant time.
public enum HookSignature {
    public static func hex(body: [UInt8], secret: String) -> String {
        let mac = HMAC<SHA256>.authenticationCode(for: body, using: SymmetricKey(data: Array(secret.utf8)))
        return mac.map { b in (b < 16 ? "0" : "") + String(b, radix: 16) }.joined()
    }

    /// Whether `signature` is `body`'s under `secret` (hex in either case).
    public static func verify(_ signature: String, body: [UInt8], secret: String) -> Bool {
        equal(Array(hex(body: body, secret: secret).utf8), Array(signature.lowercased().utf8))
    }

    /// Whether two byte strings are equal, in time that depends only on their lengths.
    public static func equal(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        guard a.count == b.count else { return false }
        return zip(a, b).reduce(UInt8(0)) { $0 | ($1.0 ^ $1.1) } == 0
    }
}
