import Foundation
import Testing
import TicklerCore
import TicklerTestKit
@testable import TicklerDelivery

/// Email against a real SMTP server on loopback (aiosmtpd), which parses what it receives with Python's
/// own email package: the tests read its view of each message.
@Suite(.ownThreads) struct SMTPSenderTests {
    let composer = MessageComposer(templates: .builtIn)

    func settings(port: Int, scheme: String = "smtp", tls: ChannelSettings.Email.StartTLS = .off, user: String? = nil,
                  ca: String? = nil, includeClient: Bool = true) -> ChannelSettings.Email {
        ChannelSettings.Email(url: "\(scheme)://127.0.0.1:\(port)", startTLS: tls, username: user,
                              passwordCredential: user == nil ? nil : "smtp-password", from: "Tickler <tickler@firm.test>",
                              includeClient: includeClient, caFile: ca)
    }

    @Test func aMessageArrivesAsWellFormedMIMEWithItsMessageIDFromTheFire() throws {
        let sink = try TestServer.smtp(directory: scratch("smtp"))
        let s = settings(port: sink.port)
        let message = composer.email(sampleNotice(), to: Mailbox(name: "Alex Attorney", address: "alex@firm.test"), settings: s, now: now)
        #expect(SMTPSender(settings: s, password: nil).send(message) == .delivered)
        let got = try #require(sink.waitFor(1).first)
        #expect(got["mail_from"] as? String == "tickler@firm.test")
        #expect(got["rcpt_tos"] as? [String] == ["alex@firm.test"])
        #expect(got["message_id"] as? String == "<0123456789abcdef0123456789abcdef.\(SHA256.hex("alex@firm.test").prefix(8))@firm.test>")
        let headers = try #require(got["headers"] as? [String: String])
        #expect(headers["Date"] == "Mon, 30 Nov 2026 14:00:05 +0000")
        #expect(headers["To"] == "Alex Attorney <alex@firm.test>")
        #expect(headers["Auto-Submitted"] == "auto-generated")
        #expect(headers["X-Tickler-Fire-ID"] == "0123456789abcdef0123456789abcdef")
        #expect((got["subject"] as? String)?.hasPrefix("[Tickler] Escalation: case 2026-0142 (Ann Canary)") == true)
        let parts = try #require(got["parts"] as? [[String: Any]])
        #expect(parts.map { $0["content_type"] as? String } == ["text/plain", "text/html"])
        #expect(parts.allSatisfy { $0["charset"] as? String == "utf-8" })
        let text = try #require(parts[0]["text"] as? String).replacingOccurrences(of: "\r\n", with: "\n")
        #expect(text.contains("Why you are getting this:\nsince: client_update, anchored at 2026-11-13T10:00:00-05:00"))
        #expect(text.contains("Example & Partners"))
        let html = try #require(parts[1]["text"] as? String)
        #expect(html.contains("Example &amp; Partners"))
    }

    @Test func utf8SubjectsAreEncodedWordsAndNoFieldCanInjectAHeader() throws {
        let sink = try TestServer.smtp(directory: scratch("smtp"))
        let s = settings(port: sink.port)
        var notice = sampleNotice()
        notice.clientName = "Zoë Ångström\r\nBcc: thief@evil.test"
        notice.caseNumber = "2026-0142\nX-Injected: yes"
        let message = composer.email(notice, to: Mailbox(name: "Renée \"R\" Ørsted\r\nCc: x@evil.test", address: "renee@firm.test"),
                                     settings: s, now: now)
        #expect(SMTPSender(settings: s, password: nil).send(message) == .delivered)
        let got = try #require(sink.waitFor(1).first)
        let headers = try #require(got["headers"] as? [String: String])
        #expect(headers["Bcc"] == nil && headers["Cc"] == nil && headers["X-Injected"] == nil)
        #expect(got["rcpt_tos"] as? [String] == ["renee@firm.test"])
        let subject = try #require(got["subject"] as? String)
        #expect(subject.contains("Zoë Ångström Bcc: thief@evil.test"))
        let lines = try #require(got["raw_header_lines"] as? [String])
        // Non-ASCII travels as RFC 2047 encoded words; every header line is ASCII.
        #expect(lines.allSatisfy { $0.unicodeScalars.allSatisfy(\.isASCII) })
        #expect(lines.contains { $0.hasPrefix("Subject: =?UTF-8?B?") })
        #expect(headers["To"]?.contains("Renée") == true)
    }

    @Test func startTLSWithAuthUsesTheCredentialAndTrustsTheConfiguredCA() throws {
        let dir = scratch("smtp-tls")
        let cert = try TestCertificate(directory: dir + "/cert")
        let sink = try TestServer.smtp(directory: dir + "/sink", tls: "starttls", certificate: cert,
                                       auth: ("tickler", "s3cret-canary"))
        let s = settings(port: sink.port, tls: .required, user: "tickler", ca: cert.certificate)
        let message = composer.email(sampleNotice(), to: Mailbox(address: "alex@firm.test"), settings: s, now: now)
        #expect(SMTPSender(settings: s, password: "s3cret-canary").send(message) == .delivered)
        let got = try #require(sink.waitFor(1).first)
        #expect(got["tls"] as? Bool == true)
        #expect(got["login"] as? String == "tickler")

        // A wrong password is the channel's problem (fix the credential), not the message's: retried.
        let refused = SMTPSender(settings: s, password: "wrong").send(message)
        guard case .retry(let reason, let down) = refused else { Issue.record("\(refused)"); return }
        #expect(down)
        #expect(!reason.contains("wrong"))
        // Without the firm's CA the certificate is not trusted, and nothing is sent in clear.
        let untrusted = SMTPSender(settings: settings(port: sink.port, tls: .required, user: "tickler"), password: "s3cret-canary")
        guard case .retry(_, true) = untrusted.send(message) else { Issue.record("sent to an untrusted server"); return }
        #expect(sink.received().count == 1)
    }

    @Test func implicitTLSOverSMTPS() throws {
        let dir = scratch("smtps")
        let cert = try TestCertificate(directory: dir + "/cert")
        let sink = try TestServer.smtp(directory: dir + "/sink", tls: "implicit", certificate: cert)
        let s = settings(port: sink.port, scheme: "smtps", ca: cert.certificate)
        let message = composer.email(sampleNotice(), to: Mailbox(address: "alex@firm.test"), settings: s, now: now)
        #expect(SMTPSender(settings: s, password: nil).send(message) == .delivered)
        #expect(sink.waitFor(1).first?["tls"] as? Bool == true)
    }

    @Test func aBurstReusesOneConnection() throws {
        let sink = try TestServer.smtp(directory: scratch("smtp"))
        let s = settings(port: sink.port)
        let sender = SMTPSender(settings: s, password: nil)
        for i in 0..<6 {
            let m = composer.email(sampleNotice(fireID: String(repeating: "\(i)", count: 32)),
                                   to: Mailbox(address: "p\(i)@firm.test"), settings: s, now: now)
            #expect(sender.send(m) == .delivered)
        }
        let got = sink.waitFor(6)
        #expect(got.count == 6)
        #expect(Set(got.compactMap { $0["peer_port"] as? Int }).count == 1)
    }

    @Test func refusalsAreFinalTemporaryFailuresAndOutagesAreRetried() throws {
        let dir = scratch("smtp")
        let sink = try TestServer.smtp(directory: dir)
        let s = settings(port: sink.port)
        let sender = SMTPSender(settings: s, password: nil)
        let rejected = composer.email(sampleNotice(), to: Mailbox(address: "rejected@firm.test"), settings: s, now: now)
        guard case .failed = sender.send(rejected) else { Issue.record("a 550 recipient must be final"); return }
        let ok = composer.email(sampleNotice(), to: Mailbox(address: "alex@firm.test"), settings: s, now: now)
        sink.setMode("tempfail")
        let tempfail = SMTPSender(settings: s, password: nil).send(ok)
        guard case .retry(_, false) = tempfail else { Issue.record("451 must be retried: \(tempfail)"); return }
        sink.setMode("reject")
        guard case .failed = SMTPSender(settings: s, password: nil).send(ok) else { Issue.record("554 must be final"); return }
        sink.stop()
        guard case .retry(_, true) = SMTPSender(settings: s, password: nil).send(ok) else { Issue.record("no server: retry, channel down"); return }
    }

    @Test func withoutIncludeClientTheMailNamesNoClient() throws {
        let sink = try TestServer.smtp(directory: scratch("smtp"))
        let s = settings(port: sink.port, includeClient: false)
        let message = composer.email(sampleNotice(), to: Mailbox(address: "alex@firm.test"), settings: s, now: now)
        #expect(SMTPSender(settings: s, password: nil).send(message) == .delivered)
        let raw = try String(contentsOfFile: sink.directory + "/" + (try FileManager.default.contentsOfDirectory(atPath: sink.directory)
            .first { $0.hasSuffix(".eml") }!), encoding: .utf8)
        let got = try #require(sink.waitFor(1).first)
        let all = raw + "\(got)"
        #expect(!all.contains("Canary") && !all.contains("Smith v. Jones"))
        #expect(all.contains("2026-0142"))
    }
}
