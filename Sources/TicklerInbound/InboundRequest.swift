/// One request from the gateway, as `tickler-inbound` received it: its path (with any query), its
/// signature header and its form fields in order.
public struct InboundRequest: Sendable, Equatable {
    public var method: String
    public var path: String
    public var signature: String?
    public var form: [(String, String)]

    public init(method: String, path: String, signature: String?, form: [(String, String)]) {
        self.method = method
        self.path = path
        self.signature = signature
        self.form = form
    }

    public static func == (a: InboundRequest, b: InboundRequest) -> Bool {
        a.method == b.method && a.path == b.path && a.signature == b.signature
            && a.form.map { $0.0 + "=" + $0.1 } == b.form.map { $0.0 + "=" + $0.1 }
    }

    /// `application/x-www-form-urlencoded` fields: `+` is a space, `%XX` a byte (UTF-8); a field that does not
    /// decode is kept as written.
    public static func parseForm(_ body: [UInt8]) -> [(String, String)] {
        body.split(separator: UInt8(ascii: "&"), omittingEmptySubsequences: true).map { pair in
            let parts = pair.split(separator: UInt8(ascii: "="), maxSplits: 1, omittingEmptySubsequences: false)
            return (decode(parts[0]), parts.count > 1 ? decode(parts[1]) : "")
        }
    }

    static func decode(_ bytes: ArraySlice<UInt8>) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var i = bytes.startIndex
        while i < bytes.endIndex {
            let b = bytes[i]
            if b == UInt8(ascii: "+") {
                out.append(UInt8(ascii: " "))
            } else if b == UInt8(ascii: "%"), i + 2 < bytes.endIndex, let h = hex(bytes[i + 1]), let l = hex(bytes[i + 2]) {
                out.append(h << 4 | l)
                i += 2
            } else {
                out.append(b)
            }
            i += 1
        }
        return String(decoding: out, as: UTF8.self)
    }

    private static func hex(_ b: UInt8) -> UInt8? {
        switch b {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): b - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): b - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): b - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}

/// What `tickler-inbound` answers: a status and, for a message, TwiML (`<Response><Message>…`).
public struct InboundResponse: Sendable, Equatable {
    public var status: Int
    public var contentType: String
    public var body: String

    public init(status: Int, contentType: String = "text/plain; charset=utf-8", body: String = "") {
        self.status = status
        self.contentType = contentType
        self.body = body
    }

    /// TwiML answering the sender with `message` (none: an empty response, nothing sent back).
    public static func twiml(_ message: String?) -> InboundResponse {
        let inner = message.map { "<Message>\(xmlEscaped($0))</Message>" } ?? ""
        return InboundResponse(status: 200, contentType: "text/xml; charset=utf-8",
                               body: "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Response>\(inner)</Response>")
    }

    static func xmlEscaped(_ s: String) -> String {
        var out = ""
        for ch in s {
            switch ch {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&apos;"
            default: out.append(ch)
            }
        }
        return out
    }
}
