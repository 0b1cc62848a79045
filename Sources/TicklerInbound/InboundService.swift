import Logging
import TicklerConfig
import TicklerCore
import TicklerDaemon
import TicklerDelivery
import TicklerStore

/// The receiver's logic, one request at a time: check the gateway's signature, then for an inbound text
/// decide (`InboundText`) and write what it says: consent entries, an inbound communication on each open
/// case of the sender's contacts, and the one reply. It writes case tables and the consent ledger only.
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
    /// The policies that send surveys: a number texted within `surveyWindow` of one is its answer.
    let surveyPolicies: [String]
    static let surveyWindow: Int64 = 14 * 86_400

    public static let inboundPath = "/sms/inbound"
    public static let statusPath = "/sms/status"

    /// Fails (with the reason) when the configuration does not describe replies: no `clients.inbound`, or
    /// no sms channel.
    public init(config: Configuration, authToken: String, store: any ClientDirectory, events: EventLog,
                now: @escaping @Sendable () -> Instant) throws(InboundSetupError) {
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
        surveyPolicies = config.policies.filter { $0.clientFacing && $0.purpose == .surveys }.map(\.id)
    }

    public func handle(_ r: InboundRequest) async -> InboundResponse {
        let route = r.path.split(separator: "?", maxSplits: 1).first.map(String.init) ?? r.path
        if r.method == "GET" && route == "/healthz" { return InboundResponse(status: 200, body: "ok\n") }
        guard r.method == "POST", route == Self.inboundPath || route == Self.statusPath else {
            return InboundResponse(status: 404, body: "not found\n")
        }
        guard let header = r.signature, signature.verify(header, url: inbound.publicURL + r.path, form: r.form) else {
            events.record(.inboundRejected, "refused a request to \(route): its signature does not verify",
                          ["reason": "bad signature", "path": "\(route)"])
            return InboundResponse(status: 403, body: "signature does not verify\n")
        }
        guard r.field("AccountSid") == accountSID else {
            events.record(.inboundRejected, "refused a request to \(route): another account", ["reason": "account", "path": "\(route)"])
            return InboundResponse(status: 403, body: "unknown account\n")
        }
        if route == Self.statusPath { return InboundResponse(status: 200) }
        do { return try await message(r) } catch {
            // The gateway retries what was not answered 2xx: nothing is lost.
            return InboundResponse(status: 503, body: "the store is unavailable\n")
        }
    }

    private func message(_ r: InboundRequest) async throws -> InboundResponse {
        guard let from = r.field("From"), Contact.isE164(from), let sid = r.field("MessageSid"), !sid.isEmpty else {
            return InboundResponse(status: 400, body: "From and MessageSid are required\n")
        }
        let body = r.field("Body") ?? ""
        let t = now()
        let contacts = try await store.contacts(phone: from)
        let ids = contacts.map(\.contact.id)
        // A number on the survey's scale, from a contact sent a survey lately, is its answer: recorded on the
        // survey's case (a low one escalates through the since: low_score policies), not as a message.
        if SMSKeyword(message: body) == nil, let score = settings.surveyScale.score(body),
           let survey = try await store.latestSurvey(contactIDs: ids, policies: surveyPolicies, since: t.adding(seconds: -Self.surveyWindow)) {
            let response = SurveyResponse(id: "survey-" + sid, contactID: survey.contactID, score: score,
                                          scaleMax: settings.surveyScale.max, receivedAt: t)
            try await store.recordSurveyResponse(response, caseID: survey.caseID)
            events.record(.inboundRecorded, "recorded a client's survey answer (\(score) of \(response.scaleMax)) on case \(survey.caseID)",
                          ["case_id": "\(survey.caseID)", "survey_response_id": "\(response.id)", "score": "\(score)"])
            let language = contacts.first { $0.contact.id == survey.contactID }.map { settings.language(of: $0.contact) } ?? settings.fallbackLanguage
            return .twiml(language.hasPrefix("es") ? "\(firmName): gracias por su respuesta." : "\(firmName): thank you for your answer.")
        }
        let book = ConsentBook(try await store.consents(of: ids))
        let decision = InboundText.decide(body: body, contactIDs: ids, consents: book, now: t, hours: hours,
                                          autoreply: !inbound.autoreply.isEmpty)
        if !decision.consents.isEmpty { try await store.record(consents: decision.consents, now: t) }
        if let keyword = decision.keyword {
            events.record(.inboundKeyword, "a client texted \(keyword.rawValue.uppercased()) (contacts \(ids.joined(separator: ", ")))",
                          ["keyword": "\(keyword.rawValue)", "contacts": "\(ids.joined(separator: ","))",
                           "consent_entries": "\(decision.consents.count)"])
        }
        if decision.record {
            let open = contacts.filter(\.caseOpen)
            for (i, caseID) in Set(open.map(\.caseID)).sorted().enumerated() {
                let id = "sms-" + sid + (i == 0 ? "" : "-\(i)")
                try await store.recordInbound(Communication(id: id, direction: .inbound, channel: .sms, occurredAt: t), caseID: caseID)
                events.record(.inboundRecorded, "recorded a client's text on case \(caseID)",
                              ["case_id": "\(caseID)", "communication_id": "\(id)"])
            }
        }
        let language = contacts.first.map { settings.language(of: $0.contact) } ?? settings.fallbackLanguage
        let reply = decision.reply.flatMap {
            InboundReplies.text($0, language: language, firm: firmName, autoreply: inbound.autoreply, fallback: settings.fallbackLanguage)
        }
        return .twiml(reply)
    }
}

/// Why `tickler-inbound` cannot serve this configuration.
public struct InboundSetupError: Error, CustomStringConvertible {
    public let description: String
    init(_ d: String) { description = d }
}
