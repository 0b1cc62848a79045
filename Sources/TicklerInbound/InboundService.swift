import Logging
import Synchronization
import TicklerConfig
import TicklerCore
import TicklerDelivery
import TicklerJournal
import TicklerStore

/// The receiver's logic, one request at a time: check the gateway's signature and the form's fields, keep
/// the request in the spool, then decide (`InboundText`) and write what it says in one transaction keyed
/// on the gateway's message id: consent entries, an inbound communication on each open case of the
/// sender's contacts, a survey answer; and answer with the one reply. It writes case tables, the consent
/// ledger and the table of messages applied only.
public struct InboundService: Sendable {
    let settings: ClientSettings
    let inbound: ClientSettings.Inbound
    let accountSID: String
    let signature: TwilioSignature
    let firmName: String
    let hours: BusinessCalendar
    let store: any ClientDirectory
    let events: EventLog
    let now: @Sendable () -> Instant
    let applier: InboundApplier
    /// How long a request waits for the store before it is answered from the spool.
    let storeDeadline: Duration
    /// The policies that send surveys: a number texted within `Lookback.surveyAnswer` of one is its answer.
    let surveyPolicies: [String]
    /// Unsigned requests are anyone's: one journal entry a minute says how many. Signed ones that are
    /// refused come from the gateway (or a replay of it): each is journaled, ten a minute at most.
    private let tallies = Tallies()

    final class Tallies: Sendable {
        let unsigned = Mutex(RefusalTally(allowance: 1))
        let signed = Mutex(RefusalTally(allowance: 10))
    }

    public static let inboundPath = "/sms/inbound"
    public static let statusPath = "/sms/status"
    public static let callPath = "/voice/status"

    /// Fails (with the reason) when the configuration does not describe replies: no `clients.inbound`, or
    /// no sms channel.
    public init(config: Configuration, authToken: String, store: any ClientDirectory, spool: InboundSpool,
                storeDeadline: Duration = .seconds(5), events: EventLog, now: @escaping @Sendable () -> Instant) throws(InboundSetupError) {
        guard let clients = config.clients, let inbound = clients.inbound else {
            throw InboundSetupError("the configuration has no clients.inbound: replies are not received")
        }
        guard let name = clients.channels[.sms], case .sms(let sms)? = config.channels[name] else {
            throw InboundSetupError("clients.channels names no sms channel")
        }
        settings = clients
        self.inbound = inbound
        accountSID = sms.accountSID
        signature = TwilioSignature(authToken: authToken)
        firmName = config.firmName
        hours = config.defaultCalendar
        self.store = store
        self.events = events
        self.now = now
        self.storeDeadline = storeDeadline
        applier = InboundApplier(spool: spool, store: store, events: events, now: now)
        surveyPolicies = config.policies.filter { $0.clientFacing && $0.purpose == .surveys }.map(\.id)
    }

    public func handle(_ r: InboundRequest) async -> InboundResponse {
        let route = r.path.split(separator: "?", maxSplits: 1).first.map(String.init) ?? r.path
        if r.method == "GET" && route == "/healthz" { return InboundResponse(status: 200, body: "ok\n") }
        guard r.method == "POST", route == Self.inboundPath || route == Self.statusPath || route == Self.callPath else {
            return InboundResponse(status: 404, body: "not found\n")
        }
        guard let header = r.signature, signature.verify(header, url: inbound.publicURL + r.path, form: r.form) else {
            refused(route, "bad signature", signed: false)
            return InboundResponse(status: 403, body: "signature does not verify\n")
        }
        let kind: GatewayForm.Route = route == Self.inboundPath ? .message : route == Self.statusPath ? .status : .call
        let form: GatewayForm
        switch GatewayForm.check(r.form, route: kind, accepted: inbound.acceptFields) {
        case .success(let f): form = f
        case .failure(let problem):
            refused(route, problem.description, signed: true)
            return InboundResponse(status: 400, body: "\(problem)\n")
        }
        guard form["AccountSid"] == accountSID else {
            refused(route, "another account", signed: true)
            return InboundResponse(status: 403, body: "unknown account\n")
        }
        // A message is applied once by its id; a status callback once per status of its text or call.
        let sid: String
        switch kind {
        case .message: sid = form["MessageSid"] ?? ""
        case .status: sid = (form["MessageSid"] ?? "") + "." + (form["MessageStatus"] ?? "")
        case .call: sid = "call." + (form["CallSid"] ?? "") + "." + (form["CallStatus"] ?? "")
        }
        let kept: InboundSpool.Kept
        do { kept = try applier.spool.keep(id: sid, route: kind, form: form, now: now()) } catch {
            // Without the spool the store is the only place: answered 503 when it does not take it either.
            events.record(.inboundKept, "cannot keep a client's message before applying it: \(error)",
                          ["message_sid": "\(sid)", "reason": "spool"])
            let direct = InboundSpool.Kept(id: sid, route: kind, receivedAt: now(), form: form)
            guard let outcome = try? await applier.apply(direct, decide: decide) else {
                return InboundResponse(status: 503, body: "the store is unavailable\n")
            }
            return .twiml(outcome)
        }
        // Applied in the order received, behind any the store has not taken yet; answered from the spool
        // when the store is slower than the gateway waits.
        switch await applier.drain(for: kept, within: storeDeadline, decide: decide) {
        case .applied(let reply): return .twiml(reply)
        case .repeated: return .twiml(nil)
        case .kept:
            events.record(.inboundKept, "kept a client's message (\(sid)) until the store answers: it will be applied then",
                          ["message_sid": "\(sid)"])
            return .twiml(nil)
        }
    }

    /// Journals a refusal, or counts it (`RefusalTally`).
    private func refused(_ route: String, _ reason: String, signed isSigned: Bool) {
        let t = now()
        let entries = isSigned ? tallies.signed.withLock { $0.refused(reason, at: t) } : tallies.unsigned.withLock { $0.refused(reason, at: t) }
        for entry in entries { journal(entry, route: route, reason: reason, signed: isSigned) }
    }

    /// A connection over the bound, answered 503: counted with the unsigned refusals (anyone can open one).
    public func refusedConnection() { refused("", "too many connections", signed: false) }

    /// Journals the counts of the minute that ended (a runner calls this on a timer); when the next is due.
    @discardableResult
    public func flushRefusals() -> Instant? {
        let t = now()
        if let entry = tallies.unsigned.withLock({ $0.flush(at: t) }) { journal(entry, route: "", reason: "", signed: false) }
        if let entry = tallies.signed.withLock({ $0.flush(at: t) }) { journal(entry, route: "", reason: "", signed: true) }
        return [tallies.unsigned.withLock { $0.nextFlush }, tallies.signed.withLock { $0.nextFlush }].compactMap { $0 }.min()
    }

    private func journal(_ entry: RefusalTally.Entry, route: String, reason: String, signed isSigned: Bool) {
        switch entry {
        case .refusal:
            events.record(.inboundRejected, "refused a\(isSigned ? " signed" : "n unsigned") request to \(route): \(reason)",
                          ["reason": "\(reason)", "path": "\(route)", "signed": "\(isSigned)"])
        case .summary(let count, let reasons, let since):
            let byReason = reasons.sorted { $0.key < $1.key }.map { "\($0.key): \($0.value)" }.joined(separator: "; ")
            events.record(.inboundRejected, "refused \(count) more \(isSigned ? "signed" : "unsigned") request\(count == 1 ? "" : "s") since \(since) (\(byReason))",
                          ["refused": "\(count)", "reasons": "\(byReason)", "signed": "\(isSigned)", "since": "\(since)"])
        }
    }

    /// Applies what the spool holds (at start, and after an outage); false when the store still fails.
    public func applyKept() async -> Bool { await applier.drainAll(decide: decide) }

    /// What `k` does, read as of when it was received: the effects to write and the reply to send.
    @Sendable func decide(_ k: InboundSpool.Kept) async throws -> InboundOutcome {
        let from = k.form["From"] ?? "", sid = k.id, body = k.form["Body"] ?? "", t = k.receivedAt
        var effects = InboundEffects(messageID: sid, route: k.route.rawValue, receivedAt: t)
        if k.route == .call { return try await call(k, effects: effects) }
        if k.route == .status {
            // What the carrier made of a text Tickler sent: recorded on it; an undelivered one falls back.
            effects.carrierStatus = CarrierStatus(messageSID: k.form["MessageSid"] ?? "", status: k.form["MessageStatus"] ?? "",
                                                  errorCode: k.form["ErrorCode"])
            return InboundOutcome(effects: effects, keyword: nil, reply: nil)
        }
        let contacts = try await store.contacts(phone: from)
        let ids = contacts.map(\.contact.id)
        // A number on the survey's scale, from a contact sent a survey lately, is its answer (what follows
        // the number is its comment): recorded on the survey's case (a low one escalates through the
        // since: low_score policies), not as a message. A second answer to the same survey replaces the first.
        if SMSKeyword(message: body) == nil, let answer = settings.surveyScale.answer(body),
           let survey = try await store.latestSurvey(contactIDs: ids, policies: surveyPolicies,
                                                      since: Lookback.start(of: Lookback.surveyAnswer, endingAt: t, on: hours)) {
            let response = SurveyResponse(id: "survey-\(survey.fireID).\(survey.contactID)", contactID: survey.contactID, score: answer.score,
                                          scaleMax: settings.surveyScale.max, receivedAt: t, comment: answer.comment)
            effects.surveyResponse = CaseRecord(caseID: survey.caseID, response)
            let language = contacts.first { $0.contact.id == survey.contactID }.map { settings.language(of: $0.contact) } ?? settings.fallbackLanguage
            return InboundOutcome(effects: effects, keyword: nil,
                                  reply: language.hasPrefix("es") ? "\(firmName): gracias por su respuesta." : "\(firmName): thank you for your answer.")
        }
        // Consent as it stood when the message came: one kept through an outage is judged by its own time,
        // and its entries carry that time, so it never overrides what a later message said.
        let book = ConsentBook(try await store.consents(of: ids).filter { $0.at <= t })
        let decision = InboundText.decide(body: body, contactIDs: ids, consents: book, now: t, hours: hours,
                                          autoreply: !inbound.autoreply.isEmpty)
        // Each entry names its message: two keywords in the same second are two entries, not one.
        effects.consents = decision.consents.map { var e = $0; e.source = ConsentRecord.keywordSource + ":" + sid; return e }
        var unforwarded: String?
        if decision.keyword == nil {
            let open = Set(contacts.filter(\.caseOpen).map(\.caseID)).sorted()
            if decision.record {
                effects.communications = open.enumerated().map { i, caseID in
                    CaseRecord(caseID: caseID, Communication(id: "sms-" + sid + (i == 0 ? "" : "-\(i)"), direction: .inbound, channel: .sms,
                                                             occurredAt: t))
                }
                effects.text = body
            }
            (effects.forwards, unforwarded) = ReplyRouting.forwards(
                messageID: sid, from: from, text: body, at: t, contacts: contacts, channel: settings.channels[.email], intake: inbound.intake)
        }
        let language = contacts.first.map { settings.language(of: $0.contact) } ?? settings.fallbackLanguage
        let reply = decision.reply.flatMap {
            InboundReplies.text($0, language: language, firm: firmName, autoreply: inbound.autoreply, fallback: settings.fallbackLanguage,
                                phone: settings.firmPhone, email: settings.firmEmail)
        }
        return InboundOutcome(effects: effects, keyword: decision.keyword, reply: reply, unforwarded: unforwarded)
    }
}

extension InboundService {
    /// A call on the firm's line (`PhoneCall`): a missed or voicemail call from a contact is an unanswered
    /// inbound call on each of their open cases; an answered one, or a connected call back to them, answers
    /// their earlier unanswered calls. Nothing of the number is written but the contact rows it matched.
    func call(_ k: InboundSpool.Kept, effects e: InboundEffects) async throws -> InboundOutcome {
        var effects = e
        let direction: PhoneCall.Direction = (k.form["Direction"] ?? "").hasPrefix("outbound") ? .outbound : .inbound
        let number = direction == .inbound ? k.form["From"] : k.form["To"]
        let voicemail = k.form["RecordingSid"] != nil || k.form["RecordingUrl"] != nil
        guard let kind = PhoneCall.kind(direction: direction, status: k.form["CallStatus"] ?? "", seconds: k.form["CallDuration"].flatMap { Int($0) },
                                        voicemail: voicemail),
              let number, Contact.isE164(number) else { return InboundOutcome(effects: effects, keyword: nil, reply: nil) }
        let open = try await store.contacts(phone: number).filter(\.caseOpen)
        let r = PhoneCall.records(kind, call: k.form["CallSid"] ?? k.id, at: k.receivedAt, contacts: open.map { ($0.caseID, $0.contact.id) })
        effects.communications = r.communications.map { CaseRecord(caseID: $0.caseID, $0.communication) }
        effects.callAnswers = r.answers
        return InboundOutcome(effects: effects, keyword: nil, reply: nil)
    }
}

/// What one message does: what to write, the keyword it was, and the reply to send once it is written.
struct InboundOutcome: Sendable {
    var effects: InboundEffects
    var keyword: SMSKeyword?
    var reply: String?
    /// Why a client's text goes to nobody (no email channel, no intake address), for the journal.
    var unforwarded: String? = nil
}

/// Why `tickler-inbound` cannot serve this configuration.
public struct InboundSetupError: Error, CustomStringConvertible {
    public let description: String
    init(_ d: String) { description = d }
}
