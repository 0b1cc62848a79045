/// When the next request to a rate-limited API may go, and what an answer means: at most `limit` requests
/// in any `window` (Clio: 50 a minute per token), never before the time a 429's `Retry-After` named, a 401
/// answered by one token refresh (a second 401 in a row is a failure, not a loop), a 5xx or no answer
/// tried again after a pause that doubles to `maxPause`. Pure: the caller passes the time and performs
/// what it says.
public struct RequestPacer: Sendable, Equatable {
    public enum Answer: Sendable, Equatable {
        /// The request succeeded (2xx): the pause after failures resets.
        case done
        /// Send it again, not before `at`.
        case retry(at: Instant, reason: String)
        /// Refresh the access token, then send it again.
        case refreshToken
        /// Give up on this request (a 4xx other than 401 and 429, or a 401 right after a refresh).
        case failed(reason: String)
    }

    public let limit: Int
    public let window: Int64
    public let firstPause: Int64
    public let maxPause: Int64
    /// When the last `limit` requests went, oldest first.
    private var sent: [Instant] = []
    /// Nothing goes before this (a `Retry-After`, a pause after a failure).
    private var notBefore: Instant?
    private var failures = 0
    private var refreshed = false

    public init(limit: Int = 50, window: Int64 = 60, firstPause: Int64 = 5, maxPause: Int64 = 300) {
        precondition(limit > 0 && window > 0 && firstPause > 0 && maxPause >= firstPause)
        self.limit = limit
        self.window = window
        self.firstPause = firstPause
        self.maxPause = maxPause
    }

    /// The earliest instant at or after `now` the next request may go.
    public func nextRequest(now: Instant) -> Instant {
        var t = max(now, notBefore ?? now)
        if sent.count == limit { t = max(t, sent[0].adding(seconds: window)) }
        return t
    }

    /// A request went at `at` (not before `nextRequest`).
    public mutating func sent(at: Instant) {
        sent.append(at)
        if sent.count > limit { sent.removeFirst(sent.count - limit) }
    }

    /// What the answer to the last request means. `status` nil: no answer (the connection failed or timed out).
    /// `retryAfter`: the header as sent, seconds or an HTTP date.
    public mutating func answered(status: Int?, retryAfter: String? = nil, now: Instant) -> Answer {
        switch status {
        case .some(200...299):
            failures = 0
            refreshed = false
            return .done
        case .some(401):
            if refreshed {
                refreshed = false
                return .failed(reason: "the API refused the access token again after a refresh (HTTP 401)")
            }
            refreshed = true
            return .refreshToken
        case .some(429):
            let wait = retryAfter.flatMap { Self.retryAfter($0, now: now) } ?? window
            let at = now.adding(seconds: max(1, wait))
            notBefore = max(notBefore ?? at, at)
            return .retry(at: notBefore!, reason: "rate limited (HTTP 429)")
        case .some(let code) where code >= 500 || code == 408:
            return pause(now, "the API answered HTTP \(code)", retryAfter: retryAfter)
        case .some(let code):
            refreshed = false
            return .failed(reason: "the API refused the request (HTTP \(code))")
        case .none:
            return pause(now, "no answer from the API", retryAfter: nil)
        }
    }

    private mutating func pause(_ now: Instant, _ reason: String, retryAfter: String?) -> Answer {
        failures += 1
        var wait = min(maxPause, firstPause << Int64(min(failures - 1, 30)))
        if let asked = retryAfter.flatMap({ Self.retryAfter($0, now: now) }) { wait = max(wait, asked) }
        let at = now.adding(seconds: wait)
        notBefore = max(notBefore ?? at, at)
        return .retry(at: notBefore!, reason: reason)
    }

    /// `Retry-After` as seconds from `now`: a count of seconds, or an HTTP date (`Wed, 21 Oct 2026 07:28:00
    /// GMT`); nil when it is neither. A date in the past is 0.
    public static func retryAfter(_ text: String, now: Instant) -> Int64? {
        let t = text.trimmingASCIISpaces
        if !t.isEmpty, t.allSatisfy(\.isASCII), let n = Int64(t), n >= 0 { return n }
        guard let at = httpDate(t) else { return nil }
        return max(0, at.seconds - now.seconds)
    }

    /// An IMF-fixdate (RFC 9110: `Sun, 06 Nov 1994 08:49:37 GMT`), the form servers must send.
    static func httpDate(_ text: String) -> Instant? {
        let parts = text.split(separator: " ")
        guard parts.count == 6, parts[0].count == 4, parts[0].hasSuffix(","), parts[5] == "GMT",
              let day = Int(parts[1]), parts[1].count == 2,
              let month = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"].firstIndex(of: String(parts[2])),
              let year = Int(parts[3]), parts[3].count == 4
        else { return nil }
        let clock = parts[4].split(separator: ":")
        guard clock.count == 3, clock.allSatisfy({ $0.count == 2 }), let h = Int(clock[0]), let m = Int(clock[1]), let s = Int(clock[2]),
              h < 24, m < 60, s < 61, day >= 1, day <= LocalDate.daysInMonth(year: year, month: month + 1)
        else { return nil }
        let date = LocalDate(year: year, month: month + 1, day: day)
        return Instant(seconds: Int64(date.dayNumber) * 86_400 + Int64(h * 3600 + m * 60 + min(s, 59)))
    }
}

extension String {
    fileprivate var trimmingASCIISpaces: String {
        String(drop { $0 == " " || $0 == "\t" }.reversed().drop { $0 == " " || $0 == "\t" }.reversed())
    }
}
