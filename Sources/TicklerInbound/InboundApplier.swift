import Logging
import Synchronization
import TicklerCore
import TicklerJournal
import TicklerStore

/// Takes kept requests from the spool to the store, one drain at a time and in the order received, so a
/// STOP kept through an outage is never applied after the START that followed it. A drain that fails
/// leaves the rest in the spool; the outage is journaled once, and its recovery once.
actor InboundApplier {
    let spool: InboundSpool
    private let store: any ClientDirectory
    private let events: EventLog
    private let now: @Sendable () -> Instant
    /// The drain running or queued last: each waits for the one before.
    private var tail: Task<Bool, Never>?
    /// What recent drains did with each id, for the request that waits on it (bounded).
    private var recent: [String: Result] = [:]
    private var recentOrder: [String] = []
    private var outage = false

    enum Result: Sendable, Equatable {
        /// Written now; the reply to send.
        case applied(String?)
        /// Written before (a retry or a replay): nothing now.
        case repeated
        /// Not written yet: it stays in the spool.
        case kept
    }

    init(spool: InboundSpool, store: any ClientDirectory, events: EventLog, now: @escaping @Sendable () -> Instant) {
        self.spool = spool
        self.store = store
        self.events = events
        self.now = now
    }

    typealias Decide = @Sendable (InboundSpool.Kept) async throws -> InboundOutcome

    /// Drains the spool, waiting at most `deadline` for `kept`'s turn: what became of it.
    func drain(for kept: InboundSpool.Kept, within deadline: Duration, decide: @escaping Decide) async -> Result {
        let task = queueDrain(decide)
        _ = await Self.value(of: task, within: deadline)
        return recent[kept.id] ?? .kept
    }

    /// Drains the spool whole; false when the store failed on the way.
    func drainAll(decide: @escaping Decide) async -> Bool {
        await queueDrain(decide).value
    }

    /// Applies a request that could not be kept, directly; throws when the store fails.
    func apply(_ k: InboundSpool.Kept, decide: @escaping Decide) async throws -> String? {
        let outcome = try await decide(k)
        guard try await store.apply(outcome.effects, now: now()) else { return nil }
        journal(outcome)
        return outcome.reply
    }

    private func queueDrain(_ decide: @escaping Decide) -> Task<Bool, Never> {
        let previous = tail
        let task = Task { await previous?.value; return await self.drainOnce(decide) }
        tail = task
        return task
    }

    private func drainOnce(_ decide: Decide) async -> Bool {
        for k in spool.pending() {
            do {
                let outcome = try await decide(k)
                let written = try await store.apply(outcome.effects, now: now())
                spool.remove(k)
                remember(k.id, written ? .applied(outcome.reply) : .repeated)
                if written { journal(outcome) }
            } catch {
                if !outage {
                    outage = true
                    events.record(.storeOutage, "the store did not take a client's message; it is kept and applied when the store answers: "
                                      + "\(store.describe(failure: error))",
                                  ["kept": "\(spool.pending().count)"])
                }
                return false
            }
        }
        if outage {
            outage = false
            events.record(.storeRecovered, "the store answers again: every kept client message is applied")
        }
        return true
    }

    private func remember(_ id: String, _ result: Result) {
        if recent.updateValue(result, forKey: id) == nil { recentOrder.append(id) }
        if recentOrder.count > 512 { recent[recentOrder.removeFirst()] = nil }
    }

    private func journal(_ o: InboundOutcome) {
        let e = o.effects
        if let keyword = o.keyword {
            let ids = Set(e.consents.map(\.contactID)).sorted()
            events.record(.inboundKeyword, "a client texted \(keyword.rawValue.uppercased()) (contacts \(ids.joined(separator: ", ")))",
                          ["keyword": "\(keyword.rawValue)", "contacts": "\(ids.joined(separator: ","))",
                           "consent_entries": "\(e.consents.count)", "message_sid": "\(e.messageID)"])
        }
        for c in e.communications {
            events.record(.inboundRecorded, "recorded a client's \(c.record.channel == .call ? "call" : "text") on case \(c.caseID)",
                          ["case_id": "\(c.caseID)", "communication_id": "\(c.record.id)"])
        }
        // Who the text went to, by route and case: never its words, and the intake's address only redacted.
        for f in e.forwards {
            events.record(.inboundRecorded, "forwarded a client's text to staff " + (f.route == .openCase ? "on case \(f.caseID ?? "")" : "(\(f.route.rawValue))"),
                          ["message_sid": "\(e.messageID)", "reply_id": "\(f.id)", "route": "\(f.route.rawValue)",
                           "case_id": "\(f.caseID ?? "")", "recipient": "\(events.redacted(f.recipient))"])
        }
        if let why = o.unforwarded {
            events.record(.inboundUnforwarded, "a client's text was forwarded to nobody: \(why)",
                          ["message_sid": "\(e.messageID)", "reason": "\(why)"])
        }
        if let s = e.carrierStatus, s.undelivered {
            events.record(.inboundRecorded, "the carrier reported a text to a client \(s.status)\(s.errorCode.map { " (error \($0))" } ?? ""): "
                              + "the message falls back to another medium or a staff task",
                          ["message_sid": "\(s.messageSID)", "carrier_status": "\(s.status)", "error_code": "\(s.errorCode ?? "")"])
        }
        if let r = e.surveyResponse {
            events.record(.inboundRecorded, "recorded a client's survey answer (\(r.record.score) of \(r.record.scaleMax)) on case \(r.caseID)",
                          ["case_id": "\(r.caseID)", "survey_response_id": "\(r.record.id)", "score": "\(r.record.score)"])
        }
    }

    /// `task`'s value, or nil when `deadline` passes first (the task goes on).
    static func value<T: Sendable>(of task: Task<T, Never>, within deadline: Duration) async -> T? {
        let waiting = OneShot<T?>()
        return await withCheckedContinuation { c in
            waiting.set(c)
            Task { waiting.resume(await task.value) }
            Task {
                try? await Task.sleep(for: deadline)
                waiting.resume(nil)
            }
        }
    }
}

/// A continuation resumed once, by whichever comes first.
final class OneShot<T: Sendable>: Sendable {
    private let continuation = Mutex<CheckedContinuation<T, Never>?>(nil)

    func set(_ c: CheckedContinuation<T, Never>) { continuation.withLock { $0 = c } }

    func resume(_ value: T) { continuation.withLock { $0.take() }?.resume(returning: value) }
}
