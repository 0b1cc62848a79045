/// Frames the bytes an IMAP server sends into responses: a line up to CRLF, and when it ends with a
/// literal's size (`{N}`), the N bytes after it and the line that continues after them. A response larger
/// than `limit` (a hostile or broken server) is an error, not an allocation.
public struct IMAPResponseReader: Sendable {
    public struct TooLarge: Error, Sendable, CustomStringConvertible {
        public var limit: Int
        public var description: String { "the IMAP server sent a response larger than \(limit) bytes" }
    }

    public let limit: Int
    private var buffer: [UInt8] = []
    private var start = 0
    /// The parts of the response being framed, and how many bytes of the buffer they took.
    private var parts: [IMAPResponse.Part] = []
    private var size = 0

    public init(limit: Int = 4 << 20) { self.limit = limit }

    public mutating func append(_ bytes: some Sequence<UInt8>) {
        if start > 0 && start == buffer.count {
            buffer.removeAll(keepingCapacity: true)
            start = 0
        } else if start > 65_536 {
            buffer.removeFirst(start)
            start = 0
        }
        buffer.append(contentsOf: bytes)
    }

    /// The next complete response, or nil until more bytes come.
    public mutating func next() throws -> IMAPResponse? {
        while true {
            guard let lf = buffer[start...].firstIndex(of: 10) else {
                if size + buffer.count - start > limit { throw TooLarge(limit: limit) }
                return nil
            }
            var end = lf
            if end > start && buffer[end - 1] == 13 { end -= 1 }
            let line = Array(buffer[start..<end])
            guard let open = IMAPResponse.literalStart(line) else {
                start = lf + 1
                parts.append(.text(line))
                size += line.count
                if size > limit { throw TooLarge(limit: limit) }
                let r = IMAPResponse(parts: parts)
                parts = []
                size = 0
                return r
            }
            var digits = line[(open + 1)..<(line.count - 1)]
            if digits.last == 43 { digits = digits.dropLast() }
            let n = Int(String(decoding: digits, as: UTF8.self)) ?? 0
            if size + line.count + n > limit { throw TooLarge(limit: limit) }
            guard buffer.count - (lf + 1) >= n else { return nil }
            parts.append(.text(line))
            parts.append(.literal(Array(buffer[(lf + 1)..<(lf + 1 + n)])))
            size += line.count + n
            start = lf + 1 + n
        }
    }
}
