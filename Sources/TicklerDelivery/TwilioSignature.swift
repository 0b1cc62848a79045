import Crypto
import Foundation

/// The signature a Twilio-compatible gateway puts on the requests it makes to us (inbound messages, status
/// callbacks): `X-Twilio-Signature: BASE64(HMAC-SHA1(auth token, URL + each form field's name and value,
/// sorted by name))`, URL the full address the gateway was given (scheme, host, path and query).
public struct TwilioSignature: Sendable {
    private let token: [UInt8]

    public init(authToken: String) { token = Array(authToken.utf8) }

    public func signature(url: String, form: [(String, String)]) -> String {
        // Sorted by the bytes of each name (then value), as the gateway sorts: Swift's String order compares
        // Unicode canonical forms, which differs from byte order beyond ASCII.
        let sorted = form.map { (Array($0.0.utf8), Array($0.1.utf8)) }.sorted { a, b in
            a.0 == b.0 ? a.1.lexicographicallyPrecedes(b.1) : a.0.lexicographicallyPrecedes(b.0)
        }
        var bytes = Array(url.utf8)
        for (name, value) in sorted { bytes += name + value }
        let mac = HMAC<Insecure.SHA1>.authenticationCode(for: bytes, using: SymmetricKey(data: token))
        return Data(mac).base64EncodedString()
    }

    /// Whether `header` is the signature of (`url`, `form`), compared in constant time.
    public func verify(_ header: String, url: String, form: [(String, String)]) -> Bool {
        let expected = Array(signature(url: url, form: form).utf8)
        let given = Array(header.utf8)
        guard expected.count == given.count else { return false }
        return zip(expected, given).reduce(UInt8(0)) { $0 | ($1.0 ^ $1.1) } == 0
    }
}
