import Testing
import TicklerCore

/// The pacing of a rate-limited API (Clio: 50 requests a minute per token), value by value.
struct RequestPacerTests {
    static let t0 = RFC3339.parse("2026-12-01T15:00:00Z")!

    @Test func fiftyRequestsGoAtOnceAndTheFiftyFirstWaitsForTheFirstToLeaveTheMinute() {
        var p = RequestPacer()
        for i in 0..<50 {
            let at = Self.t0.adding(seconds: Int64(i / 10))  // ten a second for five seconds
            #expect(p.nextRequest(now: at) == at)
            p.sent(at: at)
        }
        let now = Self.t0.adding(seconds: 5)
        #expect(p.nextRequest(now: now) == Self.t0.adding(seconds: 60))
        p.sent(at: Self.t0.adding(seconds: 60))
        // The window slides: the ten sent at t0 leave it at t0+60, the ten of t0+1 at t0+61.
        #expect(p.nextRequest(now: Self.t0.adding(seconds: 60)) == Self.t0.adding(seconds: 60))
        for _ in 0..<9 { p.sent(at: Self.t0.adding(seconds: 60)) }
        #expect(p.nextRequest(now: Self.t0.adding(seconds: 60)) == Self.t0.adding(seconds: 61))
    }

    @Test func nothingGoesBeforeARetryAfterGivenInSecondsOrAsADate() {
        var p = RequestPacer()
        p.sent(at: Self.t0)
        #expect(p.answered(status: 429, retryAfter: "17", now: Self.t0) == .retry(at: Self.t0.adding(seconds: 17), reason: "rate limited (HTTP 429)"))
        #expect(p.nextRequest(now: Self.t0.adding(seconds: 16)) == Self.t0.adding(seconds: 17))
        #expect(p.nextRequest(now: Self.t0.adding(seconds: 18)) == Self.t0.adding(seconds: 18))
        var q = RequestPacer()
        #expect(q.answered(status: 429, retryAfter: "Tue, 01 Dec 2026 15:02:30 GMT", now: Self.t0)
            == .retry(at: Self.t0.adding(seconds: 150), reason: "rate limited (HTTP 429)"))
        // No Retry-After, or one that reads as neither: a whole window.
        var r = RequestPacer()
        #expect(r.answered(status: 429, retryAfter: "soon", now: Self.t0) == .retry(at: Self.t0.adding(seconds: 60), reason: "rate limited (HTTP 429)"))
        #expect(RequestPacer.retryAfter("Tue, 01 Dec 2026 14:00:00 GMT", now: Self.t0) == 0)
        #expect(RequestPacer.retryAfter(" 30 ", now: Self.t0) == 30)
        #expect(RequestPacer.retryAfter("-3", now: Self.t0) == nil)
        #expect(RequestPacer.retryAfter("Tue, 31 Nov 2026 15:02:30 GMT", now: Self.t0) == nil)
        #expect(RequestPacer.retryAfter("Tuesday, 01-Dec-26 15:02:30 GMT", now: Self.t0) == nil)
    }

    @Test func a401RefreshesTheTokenOnceAndASecondInARowFails() {
        var p = RequestPacer()
        #expect(p.answered(status: 401, now: Self.t0) == .refreshToken)
        #expect(p.answered(status: 401, now: Self.t0) == .failed(reason: "the API refused the access token again after a refresh (HTTP 401)"))
        // After a success, the next 401 is refreshed again.
        #expect(p.answered(status: 401, now: Self.t0) == .refreshToken)
        #expect(p.answered(status: 200, now: Self.t0) == .done)
        #expect(p.answered(status: 401, now: Self.t0) == .refreshToken)
    }

    @Test func serverErrorsAndSilencePauseDoublingToTheCapAndASuccessResetsThePause() {
        var p = RequestPacer(firstPause: 5, maxPause: 60)
        var now = Self.t0
        var pauses: [Int64] = []
        for i in 0..<6 {
            let answer = p.answered(status: i % 2 == 0 ? 503 : nil, now: now)
            guard case .retry(let at, _) = answer else { Issue.record("\(answer)"); return }
            pauses.append(at.seconds - now.seconds)
            now = at
        }
        #expect(pauses == [5, 10, 20, 40, 60, 60])
        #expect(p.answered(status: 204, now: now) == .done)
        #expect(p.answered(status: 502, now: now) == .retry(at: now.adding(seconds: 5), reason: "the API answered HTTP 502"))
        // A Retry-After longer than the pause is obeyed.
        #expect(p.answered(status: 503, retryAfter: "120", now: now) == .retry(at: now.adding(seconds: 120), reason: "the API answered HTTP 503"))
    }

    @Test func otherRefusalsFailTheRequest() {
        var p = RequestPacer()
        #expect(p.answered(status: 404, now: Self.t0) == .failed(reason: "the API refused the request (HTTP 404)"))
        #expect(p.answered(status: 422, now: Self.t0) == .failed(reason: "the API refused the request (HTTP 422)"))
        #expect(p.nextRequest(now: Self.t0) == Self.t0)
    }
}
