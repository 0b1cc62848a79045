import CCurl
import Foundation

/// One HTTP request at a time to an outside API (the Clio sync): the answer's status (nil when none came),
/// its headers (names in lowercase), and its body up to `responseLimit` bytes (a longer one is cut, and
/// `truncated` says so). Keeps its connection between requests. Not thread-safe: one caller at a time.
public final class HTTPExchange: @unchecked Sendable {
    public struct Response: Sendable {
        public var status: Int?
        public var headers: [String: String]
        public var body: [UInt8]
        public var truncated: Bool
        /// libcurl's message when no answer came.
        public var detail: String
    }

    private let handle = CurlHandle()
    private let caFile: String?

    public init(caFile: String? = nil) { self.caFile = caFile }

    /// `method` GET (no body) or POST (`body`), with `headers` (`Name: value`).
    public func send(_ method: String, _ url: String, headers: [String] = [], body: [UInt8] = [], connectTimeout: Int = 10,
                     timeout: Int = 60, responseLimit: Int = 8 << 20) -> Response {
        let buffers = CurlTransferBuffers(upload: body, responseLimit: responseLimit + 1)
        let collected = HeaderLines()
        handle.reset()
        handle.set(CURLOPT_URL, url)
        if method == "GET" {
            handle.set(CURLOPT_HTTPGET, 1)
        } else {
            // POST, or PUT and PATCH sending their body the same way.
            handle.set(CURLOPT_POST, 1)
            handle.set(CURLOPT_POSTFIELDSIZE_LARGE, size: Int64(body.count))
            if method != "POST" { handle.set(CURLOPT_CUSTOMREQUEST, method) }
        }
        if let caFile { handle.set(CURLOPT_CAINFO, caFile) }
        handle.set(CURLOPT_HTTPHEADER, list: headers + ["Expect:"])
        handle.set(CURLOPT_CONNECTTIMEOUT, connectTimeout)
        handle.set(CURLOPT_TIMEOUT, timeout)
        handle.set(CURLOPT_FOLLOWLOCATION, 0)
        buffers.install(on: handle)
        collected.install(on: handle)
        let (code, detail) = withExtendedLifetime((buffers, collected)) { handle.perform() }
        guard code == CURLE_OK else { return Response(status: nil, headers: [:], body: [], truncated: false, detail: detail) }
        let truncated = buffers.response.count > responseLimit
        return Response(status: handle.responseCode, headers: collected.fields, body: Array(buffers.response.prefix(responseLimit)),
                        truncated: truncated, detail: "")
    }
}

/// The header lines of the last response (a `100 Continue` or a redirect's are forgotten at the next status line).
private final class HeaderLines {
    var fields: [String: String] = [:]

    func install(on handle: CurlHandle) {
        handle.set(CURLOPT_HEADERFUNCTION, function: { buffer, size, count, user in
            guard let buffer, let user else { return 0 }
            let me = Unmanaged<HeaderLines>.fromOpaque(user).takeUnretainedValue()
            let n = size * count
            let line = buffer.withMemoryRebound(to: UInt8.self, capacity: n) { String(decoding: UnsafeBufferPointer(start: $0, count: n), as: UTF8.self) }
            if line.hasPrefix("HTTP/") {
                me.fields = [:]
            } else if let colon = line.firstIndex(of: ":") {
                let name = line[..<colon].lowercased()
                let value = line[line.index(after: colon)...].trimmingCharacters(in: [" ", "\t", "\r", "\n"])
                if me.fields.count < 100 { me.fields[name] = value }
            }
            return n
        })
        handle.set(CURLOPT_HEADERDATA, Unmanaged.passUnretained(self).toOpaque())
    }
}
