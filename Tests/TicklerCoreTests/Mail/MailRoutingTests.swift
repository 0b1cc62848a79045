import Testing
import TicklerCore

/// What a message becomes, by folder and by whose address it carries.
struct MailRoutingTests {
    static let rows: [String: [MailRouting.ContactRow]] = [
        "ann@example.test": [.init(contactID: "k1", caseID: "c1", caseNumber: "2026-CV-0042", open: true),
                             .init(contactID: "k2", caseID: "c2", caseNumber: "2026-CV-0077", open: true),
                             .init(contactID: "k3", caseID: "c3", caseNumber: "2025-CV-0001", open: false)],
        "old@example.test": [.init(contactID: "k9", caseID: "c9", caseNumber: "2020-1", open: false)],
    ]

    static func mail(from: String, to: String = "intake@firm.test", subject: String = "hello", extra: String = "") -> ReceivedMail {
        let text = "From: \(from)\r\nTo: \(to)\r\nSubject: \(subject)\r\nMessage-ID: <x1@example.test>\r\n\(extra)Date: 6 Dec 2026 10:00:00 +0000\r\n\r\n"
        return ReceivedMail(headers: MailHeaders(parsing: Array(text.utf8)), raw: Array(text.utf8), internalDate: nil)!
    }

    func route(_ m: ReceivedMail, _ folder: MailRouting.Folder) -> MailRouting.Outcome {
        MailRouting.route(m, folder: folder) { Self.rows[$0] ?? [] }
    }

    @Test func aClientsMessageIsInboundOnEachOpenCaseOrOnlyTheOneItsSubjectNames() {
        let key = ReceivedMail.key(of: "x1@example.test")
        guard case .record(let all, let replies) = route(Self.mail(from: "Ann <ANN@example.test>"), .inbound) else { Issue.record(); return }
        #expect(all.map(\.id) == ["mail:\(key):k1", "mail:\(key):k2"])
        #expect(all.allSatisfy { $0.direction == .inbound && $0.at == RFC3339.parse("2026-12-06T10:00:00Z") } && replies.isEmpty)
        guard case .record(let named, _) = route(Self.mail(from: "ann@example.test", subject: "Re: [2026-cv-0077] documents"), .inbound)
        else { Issue.record(); return }
        #expect(named.map(\.caseID) == ["c2"])
        // A number inside a longer one names nothing.
        guard case .record(let none, _) = route(Self.mail(from: "ann@example.test", subject: "2026-CV-00421"), .inbound)
        else { Issue.record(); return }
        #expect(none.map(\.caseID) == ["c1", "c2"])
    }

    @Test func aSentMessageToAClientIsOutboundAndRepliesToWhatItReferences() {
        let m = Self.mail(from: "bo@firm.test", to: "ann@example.test", extra: "In-Reply-To: <q@example.test>\r\n")
        guard case .record(let emails, let replies) = route(m, .outbound) else { Issue.record(); return }
        #expect(emails.map(\.caseID) == ["c1", "c2"] && emails.allSatisfy { $0.direction == .outbound })
        #expect(replies == [ReceivedMail.key(of: "q@example.test")])
        // The same message in an inbound folder is from the firm: no contact's.
        #expect(route(m, .inbound) == .ignored(.stranger))
    }

    @Test func machinesStrangersAndClosedCasesAreLeftOut() {
        #expect(route(Self.mail(from: "ann@example.test", extra: "Auto-Submitted: auto-replied\r\n"), .inbound) == .ignored(.automated))
        #expect(route(Self.mail(from: "someone@else.test"), .inbound) == .ignored(.stranger))
        #expect(route(Self.mail(from: "old@example.test"), .inbound) == .ignored(.closed))
        // The firm's own out-of-office to a client, in Sent, answers nothing.
        #expect(route(Self.mail(from: "bo@firm.test", to: "ann@example.test", extra: "Auto-Submitted: auto-replied\r\n"), .outbound)
            == .ignored(.automated))
    }
}
