import CCurl

/// One libcurl easy handle. A handle keeps its connections open between transfers, so a burst of mail
/// to one relay reuses one SMTP session. Not thread-safe: each channel lane owns its handle and uses it
/// from one thread at a time.
final class CurlHandle {
    private static let globalInit: Bool = curl_global_init(Int(CURL_GLOBAL_DEFAULT)) == CURLE_OK

    let raw: UnsafeMutableRawPointer
    private var lists: [UnsafeMutablePointer<curl_slist>] = []
    private var errorBuffer = [CChar](repeating: 0, count: Int(CURL_ERROR_SIZE) + 1)

    init() {
        precondition(Self.globalInit, "libcurl could not be initialised")
        raw = curl_easy_init()
    }

    deinit {
        freeLists()
        curl_easy_cleanup(raw)
    }

    /// Forgets every option of the last transfer; open connections stay in the handle's cache.
    func reset() {
        curl_easy_reset(raw)
        freeLists()
        errorBuffer = [CChar](repeating: 0, count: errorBuffer.count)
        set(CURLOPT_NOSIGNAL, 1)
    }

    func set(_ option: CURLoption, _ value: Int) { _ = tickler_curl_setopt_long(raw, option, value) }
    func set(_ option: CURLoption, _ value: String) { _ = tickler_curl_setopt_string(raw, option, value) }
    func set(_ option: CURLoption, _ value: UnsafeMutableRawPointer?) { _ = tickler_curl_setopt_pointer(raw, option, value) }
    func set(_ option: CURLoption, size: Int64) { _ = tickler_curl_setopt_size(raw, option, curl_off_t(size)) }
    func set(_ option: CURLoption, function: tickler_curl_io_callback) { _ = tickler_curl_setopt_io(raw, option, function) }

    /// Sets a string-list option; the list lives until the next `reset`.
    func set(_ option: CURLoption, list: [String]) {
        var head: UnsafeMutablePointer<curl_slist>?
        for item in list { head = curl_slist_append(head, item) }
        if let head { lists.append(head) }
        _ = tickler_curl_setopt_slist(raw, option, head)
    }

    /// Runs the transfer: the result code, and libcurl's detailed message when it failed.
    func perform() -> (code: CURLcode, message: String) {
        let code = errorBuffer.withUnsafeMutableBufferPointer { buffer -> CURLcode in
            _ = tickler_curl_setopt_pointer(raw, CURLOPT_ERRORBUFFER, UnsafeMutableRawPointer(buffer.baseAddress))
            let code = curl_easy_perform(raw)
            _ = tickler_curl_setopt_pointer(raw, CURLOPT_ERRORBUFFER, nil)
            return code
        }
        if code == CURLE_OK { return (code, "") }
        let detail = String(decoding: errorBuffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        return (code, detail.isEmpty ? String(cString: curl_easy_strerror(code)) : detail)
    }

    /// The last response code: HTTP status, or the SMTP server's last reply code.
    var responseCode: Int {
        var code = 0
        _ = tickler_curl_info_long(raw, CURLINFO_RESPONSE_CODE, &code)
        return code
    }

    private func freeLists() {
        for l in lists { curl_slist_free_all(l) }
        lists = []
    }
}

/// Bytes handed to libcurl's read callback (the upload: a mail message, a request body) and the response
/// collected by its write callback, bounded so a chatty server cannot fill memory.
final class CurlTransferBuffers {
    let upload: [UInt8]
    var offset = 0
    var response: [UInt8] = []
    let responseLimit: Int

    init(upload: [UInt8], responseLimit: Int = 16 * 1024) {
        self.upload = upload
        self.responseLimit = responseLimit
    }

    /// Installs both callbacks on `handle`, pointing at `self`; `self` must outlive the transfer.
    func install(on handle: CurlHandle) {
        let me = Unmanaged.passUnretained(self).toOpaque()
        handle.set(CURLOPT_READFUNCTION, function: { buffer, size, count, user in
            guard let buffer, let user else { return 0 }
            let me = Unmanaged<CurlTransferBuffers>.fromOpaque(user).takeUnretainedValue()
            let n = min(size * count, me.upload.count - me.offset)
            me.upload.withUnsafeBytes { bytes in
                UnsafeMutableRawPointer(buffer).copyMemory(from: bytes.baseAddress!.advanced(by: me.offset), byteCount: n)
            }
            me.offset += n
            return n
        })
        handle.set(CURLOPT_READDATA, me)
        handle.set(CURLOPT_WRITEFUNCTION, function: { buffer, size, count, user in
            guard let buffer, let user else { return 0 }
            let me = Unmanaged<CurlTransferBuffers>.fromOpaque(user).takeUnretainedValue()
            let n = size * count
            let room = max(0, me.responseLimit - me.response.count)
            if room > 0 {
                buffer.withMemoryRebound(to: UInt8.self, capacity: n) { p in
                    me.response.append(contentsOf: UnsafeBufferPointer(start: p, count: min(n, room)))
                }
            }
            return n
        })
        handle.set(CURLOPT_WRITEDATA, me)
    }
}

extension CurlHandle {
    /// POSTs `body` to `url` with `headers` (and no `Expect:`), following no redirect: whether the transfer
    /// completed, libcurl's message when it did not, and the HTTP status.
    func post(_ url: String, body: [UInt8], headers: [String], caFile: String?, connectTimeout: Int, timeout: Int,
              basicAuth: (user: String, password: String)? = nil) -> (completed: Bool, detail: String, status: Int, body: [UInt8]) {
        let buffers = CurlTransferBuffers(upload: body)
        reset()
        set(CURLOPT_URL, url)
        set(CURLOPT_POST, 1)
        set(CURLOPT_POSTFIELDSIZE_LARGE, size: Int64(body.count))
        if let basicAuth {
            set(CURLOPT_HTTPAUTH, 1)  // CURLAUTH_BASIC (a macro Swift does not import)
            set(CURLOPT_USERNAME, basicAuth.user)
            set(CURLOPT_PASSWORD, basicAuth.password)
        }
        if let caFile { set(CURLOPT_CAINFO, caFile) }
        set(CURLOPT_HTTPHEADER, list: headers + ["Expect:"])
        set(CURLOPT_CONNECTTIMEOUT, connectTimeout)
        set(CURLOPT_TIMEOUT, timeout)
        set(CURLOPT_FOLLOWLOCATION, 0)
        buffers.install(on: self)
        let (code, detail) = withExtendedLifetime(buffers) { perform() }
        return (code == CURLE_OK, detail, responseCode, buffers.response)
    }
}
