import Foundation
import Logging
import Testing
import TicklerConfig
import TicklerCore
import TicklerDaemon
import TicklerDelivery
@testable import TicklerJournal
import TicklerStore
import Synchronization
import TicklerTestKit
@testable import TicklerInbound

/// A firm whose client texts back: `tickler-inbound` over real HTTP, requests signed by an independent
/// implementation of the gateway's signature (scripts/testing/twilio_inbound.py), on a real SQLite store.
struct InboundFirm {
    let dir: String
    static let token = "sms-token-canary-7331"
    static let publicURL = "https://tickler.firm.test"

    /// `inbound`: more keys of `clients.inbound` (`max_connections: 20`).
    init(inbound extra: String = "") async throws {
        dir = "/tmp/tickler-inbound-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: dir + "/credentials", withIntermediateDirectories: true)
        try Self.token.write(toFile: dir + "/credentials/sms-token", atomically: true, encoding: .utf8)
        try """
            firm: { name: Example Law }
            calendars:
              firm: { timezone: America/Chicago, holidays: [us-federal] }
            store: { sqlite: tickler.db }
            channels:
              texts: { type: sms, url: "http://127.0.0.1:9", account_sid: AC1, auth_token_credential: sms-token, from: "+13125550000" }
            clients:
              channels: { sms: texts }
              languages: [en, es]
              inbound:
                public_url: "\(Self.publicURL)"
            \(extra.split(separator: ",").map { "    " + $0.trimmingCharacters(in: .whitespaces) }.joined(separator: "\n"))
                autoreply: { en: "Thanks, we are closed now and will answer on the next business day.", es: "Gracias, respondemos mañana." }
            policies:
              - id: unanswered-inbound
                clock: { since: inbound }
                stages: [{ after: 4 business hours, notify: [assignee] }]
            """.write(toFile: dir + "/tickler.yaml", atomically: true, encoding: .utf8)
        let store = try SQLiteCaseStore(path: dir + "/tickler.db", create: true)
        var batch = ImportBatch()
        batch.people = [.init(source: "t", record: Person(id: "p1", name: "Pat Lee", role: "paralegal"))]
        for (id, status) in [("c1", CaseSnapshot.Status.open), ("c2", .open), ("c3", .closed)] {
            batch.cases.append(.init(source: "t", record: .init(fields: CaseSnapshot(
                id: id, number: "N-\(id)", clientName: "Canary Client", status: status, assigneeID: "p1",
                openedAt: RFC3339.parse("2026-09-01T16:00:00Z")!), updatedAt: nil)))
        }
        // One person, a contact on two open cases and a closed one; another in Spanish.
        batch.contacts = [
            .init(source: "t", caseID: "c1", record: Contact(id: "k1", name: "Ann Canary", phone: "+12125550101")),
            .init(source: "t", caseID: "c2", record: Contact(id: "k1b", name: "Ann Canary", phone: "+12125550101")),
            .init(source: "t", caseID: "c3", record: Contact(id: "k1c", name: "Ann Canary", phone: "+12125550101")),
            .init(source: "t", caseID: "c2", record: Contact(id: "k2", name: "Luis Canary", phone: "+13105550102", language: "es")),
        ]
        batch.consents = ["k1", "k1b", "k1c", "k2"].flatMap { k in
            [MessagePurpose.caseUpdates, .reminders].map { p in
                ImportBatch.Sourced(source: "t", record: ConsentRecord(contactID: k, medium: .sms, purpose: p, granted: true,
                                                                      source: "intake-form", at: RFC3339.parse("2026-09-01T16:00:00Z")!))
            }
        }
        try await store.write(batch, now: Instant(seconds: 0))
    }

    /// A firm whose configuration and store a test wrote itself in `dir` (the token in `credentials/sms-token`).
    init(directory: String) { dir = directory }

    var config: String { dir + "/tickler.yaml" }
    func store() throws -> SQLiteCaseStore { try SQLiteCaseStore(path: dir + "/tickler.db", create: false) }
}

/// `tickler-inbound` run as a process on a port of its own.
final class InboundProcess {
    let process = Process()
    let port: Int

    static let binary: URL = {
        var dir = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        for _ in 0..<4 {
            let candidate = dir.appendingPathComponent("tickler-inbound")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
            dir = dir.deletingLastPathComponent()
        }
        return URL(fileURLWithPath: TestServer.root + "/.build/debug/tickler-inbound")
    }()

    /// `storeWait`: seconds a request waits for the store (generous: a loaded machine is slow, and only
    /// the outage test wants the spool's answer).
    init(firm: InboundFirm, storeWait: Int = 120) throws {
        process.executableURL = Self.binary
        process.arguments = ["--config", firm.config, "--listen", "127.0.0.1:0", "--spool", firm.dir + "/spool", "--store-wait", "\(storeWait)"]
        process.environment = ProcessInfo.processInfo.environment.merging(["CREDENTIALS_DIRECTORY": firm.dir + "/credentials"]) { _, n in n }
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle(forWritingAtPath: "/dev/null")
        try process.run()
        var line = Data()
        while !line.contains(10) {
            let chunk = out.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            line += chunk
        }
        let text = String(decoding: line, as: UTF8.self)
        guard text.hasPrefix("PORT "), let p = Int(text.dropFirst(5).prefix { $0.isNumber }) else {
            process.terminate()
            throw TestServer.Failure.didNotStart(text)
        }
        port = p
    }

    deinit {
        if process.isRunning { process.terminate() }
        process.waitUntilExit()
    }

    /// Posts `fields` to `path` as the gateway does, signed for the public URL; (status, body).
    func post(_ path: String, _ fields: [(String, String)], badSignature: Bool = false, firm: InboundFirm) throws -> (Int, String) {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: TestServer.python)
        p.arguments = [TestServer.root + "/scripts/testing/twilio_inbound.py", "--url", "http://127.0.0.1:\(port)\(path)",
                       "--signed-url", InboundFirm.publicURL + path, "--token-file", firm.dir + "/credentials/sms-token"]
            + (badSignature ? ["--bad-signature"] : []) + fields.map { "\($0.0)=\($0.1)" }
        let out = Pipe()
        p.standardOutput = out
        try p.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        let lines = String(decoding: data, as: UTF8.self).split(separator: "\n", maxSplits: 1).map(String.init)
        return (Int(lines.first?.dropFirst(7) ?? "") ?? 0, lines.count > 1 ? lines[1].trimmingCharacters(in: .newlines) : "")
    }
}

@Suite(.serialized, .ownThreads) struct InboundTests {
    static func message(_ sid: String, _ from: String, _ body: String) -> [(String, String)] {
        [("AccountSid", "AC1"), ("MessageSid", sid), ("From", from), ("To", "+13125550000"), ("Body", body), ("NumMedia", "0")]
    }

    @Test func aSignedReplyBecomesAnInboundCommunicationOnEachOpenCaseAndAnUnsignedOneIsRefused() async throws {
        let firm = try await InboundFirm()
        let inbound = try InboundProcess(firm: firm)
        let store = try firm.store()

        let (refused, _) = try inbound.post(InboundService.inboundPath, Self.message("SM1", "+12125550101", "Hello?"), badSignature: true,
                                            firm: firm)
        #expect(refused == 403)
        #expect(try await store.snapshot(caseIDs: nil, detail: .evaluation, people: false).cases.allSatisfy { $0.communications.isEmpty })

        let (status, _) = try inbound.post(InboundService.inboundPath, Self.message("SM2", "+12125550101", "Can you call me about the hearing?"),
                                           firm: firm)
        #expect(status == 200)
        // The gateway retries: the same message is recorded once.
        _ = try inbound.post(InboundService.inboundPath, Self.message("SM2", "+12125550101", "Can you call me about the hearing?"), firm: firm)
        let cases = try await store.snapshot(caseIDs: nil, detail: .evaluation, people: false).cases
        let comms = Dictionary(uniqueKeysWithValues: cases.map { ($0.id, $0.communications) })
        #expect(comms["c1"]?.map(\.id) == ["sms-SM2"])
        #expect(comms["c2"]?.map(\.id) == ["sms-SM2-1"])
        #expect(comms["c3"]?.isEmpty == true, "recorded on a closed case")
        let m = try #require(comms["c1"]?.first)
        #expect(m.direction == .inbound && m.channel == .sms && m.respondedAt == nil)

        // Unanswered, it escalates through the ordinary unanswered-inbound policy.
        let config = try ConfigurationLoader.load(path: firm.config)
        let c1 = try #require(cases.first { $0.id == "c1" })
        let later = m.occurredAt.adding(seconds: 3 * 86_400)
        let fires = Evaluator(policies: config.policies, staff: Staff([Person(id: "p1", role: "paralegal")]))
            .evaluate(c1, ledger: LedgerState(), now: later).fires
        #expect(fires.map(\.subject.description) == ["communication:sms-SM2"])
        #expect(fires.first?.recipients == ["p1"])
    }

    @Test func stopRevokesEveryTextConsentOfTheNumberAtOnceWithOneConfirmation() async throws {
        let firm = try await InboundFirm()
        let inbound = try InboundProcess(firm: firm)
        let store = try firm.store()
        let (status, body) = try inbound.post(InboundService.inboundPath, Self.message("SM3", "+12125550101", "Stop."), firm: firm)
        #expect(status == 200)
        #expect(body == "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Response><Message>Example Law: you will get no more text messages. "
            + "Court-date notices will still reach you by email or phone. Reply START to resume.</Message></Response>")
        let book = ConsentBook(try await store.consents(of: ["k1", "k1b", "k1c", "k2"]))
        for k in ["k1", "k1b", "k1c"] {
            #expect(MessagePurpose.allCases.allSatisfy { !book.allows(k, .sms, $0) }, "\(k) still texted")
        }
        #expect(book.allows("k2", .sms, .caseUpdates))
        // A keyword is not a message for the case.
        #expect(try await store.snapshot(caseIDs: nil, detail: .evaluation, people: false).cases.allSatisfy { $0.communications.isEmpty })

        // START brings back what STOP took; the confirmation is in the contact's language.
        let (_, started) = try inbound.post(InboundService.inboundPath, Self.message("SM4", "+12125550101", "START"), firm: firm)
        #expect(started.contains("you will get text messages again"))
        #expect(ConsentBook(try await store.consents(of: ["k1"])).allows("k1", .sms, .reminders))
        let (_, parar) = try inbound.post(InboundService.inboundPath, Self.message("SM5", "+13105550102", "PARAR"), firm: firm)
        #expect(parar.contains("no recibirá más mensajes de texto"))
        #expect(!ConsentBook(try await store.consents(of: ["k2"])).allows("k2", .sms, .caseUpdates))
    }

    /// In-process, on a fixed clock: outside the firm's hours a reply gets the autoresponder, in the
    /// contact's language; inside them, nothing is sent back.
    @Test func afterHoursTheAutoresponderAnswersInTheContactsLanguage() async throws {
        let firm = try await InboundFirm()
        let config = try ConfigurationLoader.load(path: firm.config)
        let clock = Mutex(RFC3339.parse("2026-12-02T03:00:00Z")!)  // Tuesday 21:00 in Chicago
        let service = try InboundService(config: config, authToken: InboundFirm.token, store: try firm.store(),
                                         spool: InboundSpool(directory: firm.dir + "/spool"), storeDeadline: .seconds(120), events: EventLog(logger: Logger(label: "inbound-test")), now: { clock.withLock { $0 } })
        func post(_ sid: String, _ from: String, _ body: String) async -> InboundResponse {
            let form = Self.message(sid, from, body)
            let signature = TwilioSignature(authToken: InboundFirm.token).signature(url: InboundFirm.publicURL + InboundService.inboundPath,
                                                                                    form: form)
            return await service.handle(InboundRequest(method: "POST", path: InboundService.inboundPath, signature: signature, form: form))
        }
        #expect(await post("SM6", "+13105550102", "¿Hay novedades?").body.contains("<Message>Gracias, respondemos mañana.</Message>"))
        #expect(await post("SM7", "+12125550101", "Any news?").body.contains("we are closed now"))
        clock.withLock { $0 = RFC3339.parse("2026-12-02T16:00:00Z")! }  // Wednesday 10:00
        #expect(await post("SM8", "+12125550101", "Any news?").body == "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Response></Response>")
        // HELP says how to reach the firm: its phone and email when the configuration gives them.
        #expect(await post("SM10", "+12125550101", "HELP").body.contains("To talk to us, call the office. Reply STOP to opt out."))
        try String(contentsOfFile: firm.config, encoding: .utf8)
            .replacingOccurrences(of: "firm: { name: Example Law }", with: "firm: { name: Example Law, phone: \"+1 312 555 0100\", email: help@firm.test }")
            .write(toFile: firm.config, atomically: true, encoding: .utf8)
        let withContact = try InboundService(config: try ConfigurationLoader.load(path: firm.config), authToken: InboundFirm.token,
                                             store: try firm.store(), spool: InboundSpool(directory: firm.dir + "/spool2"),
                                             storeDeadline: .seconds(120), events: EventLog(logger: Logger(label: "inbound-test")),
                                             now: { clock.withLock { $0 } })
        let helpForm = Self.message("SM11", "+13105550102", "AYUDA")
        let helpSignature = TwilioSignature(authToken: InboundFirm.token).signature(url: InboundFirm.publicURL + InboundService.inboundPath,
                                                                                    form: helpForm)
        let help = await withContact.handle(InboundRequest(method: "POST", path: InboundService.inboundPath, signature: helpSignature, form: helpForm))
        #expect(help.body.contains("Example Law: mensajes sobre su caso. Para hablar con nosotros, escriba o llame a +1 312 555 0100 o help@firm.test."),
                "\(help.body)")
        // A number no contact has: nothing recorded, nothing sent back.
        #expect(await post("SM9", "+19995550100", "Who is this?").body == "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Response></Response>")
    }
}
