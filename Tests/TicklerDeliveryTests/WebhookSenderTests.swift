import Foundation
import Testing
import TicklerCore
import TicklerTestKit
@testable import TicklerDelivery

/// Webhooks against a real HTTP(S) receiver on loopback that verifies the signature itself.
@Suite(.ownThreads) struct WebhookSenderTests {
    let composer = MessageComposer(templates: .builtIn)
    let secret = "whsec-canary-0000"

    @Test func aSignedBodyArrivesWithItsIdempotencyKeyAndNoClientByDefault() throws {
        let receiver = try TestServer.webhook(directory: scratch("hook"), secret: secret)
        let settings = ChannelSettings.Webhook(url: "http://127.0.0.1:\(receiver.port)/tickler", secretCredential: "webhook-secret")
        let body = composer.webhookBody(sampleNotice(), includeClient: settings.includeClient)
        let sender = WebhookSender(settings: settings, secret: secret)
        #expect(sender.send(body: body, idempotencyKey: "0123456789abcdef0123456789abcdef", now: now) == .delivered)
        let got = try #require(receiver.waitFor(1).first)
        #expect(got["signature_ok"] as? Bool == true)
        let headers = try #require(got["headers"] as? [String: String])
        #expect(headers["Idempotency-Key"] == "0123456789abcdef0123456789abcdef")
        #expect(headers["Tickler-Signature"]?.hasPrefix("t=\(now.seconds),v1=") == true)
        let text = try #require(got["body"] as? String)
        let json = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        #expect(json["case_number"] as? String == "2026-0142")
        #expect(json["fire_id"] as? String == "0123456789abcdef0123456789abcdef")
        #expect((json["text"] as? String)?.contains("Escalation: case 2026-0142") == true)
        #expect(!text.contains("Canary") && !text.contains("Smith v. Jones") && !text.contains(secret))
    }

    @Test func theSignatureIsHMACSHA256OverTimestampDotBody() {
        // Independently: HMAC-SHA256(key "key", "1700000000.{}") computed with Python's hmac module.
        let s = WebhookSignature(secret: Array("key".utf8))
        #expect(s.hex(body: Array("{}".utf8), timestamp: 1_700_000_000)
            == "9d713ed406bb7076d4123f0dc2c39d2df5c654ed4b0cd56b52c8b4c940bd63ae")
        let header = s.header(body: Array("{}".utf8), timestamp: 1_700_000_000)
        #expect(s.verify(header: header, body: Array("{}".utf8)))
        #expect(!s.verify(header: header, body: Array("{ }".utf8)))
        #expect(!WebhookSignature(secret: Array("other".utf8)).verify(header: header, body: Array("{}".utf8)))
    }

    @Test func statusCodesDecideRetryOrRefusal() throws {
        let receiver = try TestServer.webhook(directory: scratch("hook"), secret: secret)
        let settings = ChannelSettings.Webhook(url: "http://127.0.0.1:\(receiver.port)/", secretCredential: "w")
        let sender = WebhookSender(settings: settings, secret: secret)
        let body = Array("{}".utf8)
        receiver.setMode("400")
        guard case .failed = sender.send(body: body, idempotencyKey: "k", now: now) else { Issue.record("400 is final"); return }
        receiver.setMode("429")
        guard case .retry(_, false) = sender.send(body: body, idempotencyKey: "k", now: now) else { Issue.record("429 retries"); return }
        receiver.setMode("408")
        guard case .retry(_, false) = sender.send(body: body, idempotencyKey: "k", now: now) else { Issue.record("408 retries"); return }
        receiver.setMode("500")
        guard case .retry(_, true) = sender.send(body: body, idempotencyKey: "k", now: now) else { Issue.record("500 retries"); return }
        receiver.setMode("204")
        #expect(sender.send(body: body, idempotencyKey: "k", now: now) == .delivered)
    }

    @Test func aHungReceiverTimesOutAndIsRetried() throws {
        let receiver = try TestServer.webhook(directory: scratch("hook"), secret: secret)
        receiver.setMode("hang")
        let settings = ChannelSettings.Webhook(url: "http://127.0.0.1:\(receiver.port)/", secretCredential: "w")
        let started = Date()
        let outcome = WebhookSender(settings: settings, secret: secret, timeout: 2).send(body: Array("{}".utf8), idempotencyKey: "k", now: now)
        guard case .retry(_, true) = outcome else { Issue.record("\(outcome)"); return }
        #expect(Date().timeIntervalSince(started) < 60)  // the 2 s timeout, not the hang
    }

    @Test func httpsWithTheFirmsCA() throws {
        let dir = scratch("hook-tls")
        let cert = try TestCertificate(directory: dir + "/cert")
        let receiver = try TestServer.webhook(directory: dir + "/r", secret: secret, certificate: cert)
        let url = "https://127.0.0.1:\(receiver.port)/"
        let trusted = WebhookSender(settings: .init(url: url, secretCredential: "w", caFile: cert.certificate), secret: secret)
        #expect(trusted.send(body: Array("{}".utf8), idempotencyKey: "k", now: now) == .delivered)
        let untrusted = WebhookSender(settings: .init(url: url, secretCredential: "w"), secret: secret)
        guard case .retry(_, true) = untrusted.send(body: Array("{}".utf8), idempotencyKey: "k", now: now) else {
            Issue.record("an untrusted certificate must not be accepted"); return
        }
        #expect(receiver.waitFor(1).count == 1)
    }
}
