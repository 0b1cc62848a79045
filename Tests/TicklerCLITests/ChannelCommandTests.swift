import Foundation
import Testing
import TicklerTestKit

/// `check-config` over templates, and `test-channel` against a real SMTP server and webhook receiver.
@Suite(.ownThreads) struct ChannelCommandTests {
    func firm(smtpPort: Int, hookPort: Int = 9) throws -> String {
        let dir = try smallFirmDirectory()
        let config = smallConfig.replacingOccurrences(of: "policies:", with: """
            channels:
              email: { type: email, smtp: "smtp://127.0.0.1:\(smtpPort)", starttls: off, from: "Tickler <tickler@firm.test>" }
              hook: { type: webhook, url: "http://127.0.0.1:\(hookPort)/", secret_credential: webhook-secret }
            policies:
            """)
        put(config, dir + "/tickler.yaml")
        try FileManager.default.createDirectory(atPath: dir + "/credentials", withIntermediateDirectories: true)
        put("whsec-test", dir + "/credentials/webhook-secret")
        return dir
    }

    @Test func checkConfigLocatesTemplateProblems() throws {
        let dir = try firm(smtpPort: 25)
        try FileManager.default.createDirectory(atPath: dir + "/templates", withIntermediateDirectories: true)
        put("Case {{case_nuber}}\n", dir + "/templates/client-update-cadence.stage1.text.mustache")
        put("{{#case_number}}", dir + "/templates/default.html.mustache")
        let r = try TicklerBinary.run(["check-config", "--config", dir + "/tickler.yaml"])
        #expect(r.status == 1)
        #expect(r.stderr.contains("\(dir)/templates/client-update-cadence.stage1.text.mustache:1:6: error: unknown variable 'case_nuber'; did you mean 'case_number'?"))
        #expect(r.stderr.contains("\(dir)/templates/default.html.mustache:1:"))
        try FileManager.default.removeItem(atPath: dir + "/templates/default.html.mustache")
        put("Case {{case_number}}\n", dir + "/templates/client-update-cadence.stage1.text.mustache")
        let ok = try TicklerBinary.run(["check-config", "--config", dir + "/tickler.yaml"])
        #expect(ok.status == 0)
        #expect(ok.stdout.hasSuffix("templates from \(dir)/templates\n"))
    }

    @Test func testChannelSendsASampleAndSaysWhatTheChannelAnswered() throws {
        let sink = try TestServer.smtp(directory: scratch() + "/sink")
        let receiver = try TestServer.webhook(directory: scratch() + "/hook", secret: "whsec-test")
        let dir = try firm(smtpPort: sink.port, hookPort: receiver.port)
        let config = dir + "/tickler.yaml"
        let mail = try TicklerBinary.run(["test-channel", "email", "--to", "pat@firm.test", "--config", config])
        #expect(mail.status == 0, "\(mail.stderr)")
        #expect(mail.stdout.hasPrefix("email: delivered"))
        #expect((sink.waitFor(1).first?["rcpt_tos"] as? [String]) == ["pat@firm.test"])
        #expect(try TicklerBinary.run(["test-channel", "email", "--config", config]).status == 2)

        let hook = try TicklerBinary.run(["test-channel", "hook", "--config", config, "--credentials-directory", dir + "/credentials"])
        #expect(hook.status == 0, "\(hook.stderr)")
        #expect(receiver.waitFor(1).first?["signature_ok"] as? Bool == true)
        let noSecret = try TicklerBinary.run(["test-channel", "hook", "--config", config, "--credentials-directory", dir])
        #expect(noSecret.status == 3)
        #expect(!noSecret.stderr.contains("whsec-test"))
        #expect(noSecret.stderr.contains("\(config):7:77: error: credential 'webhook-secret' cannot be read"))
        try FileManager.default.createDirectory(atPath: dir + "/empty", withIntermediateDirectories: true)
        put("", dir + "/empty/webhook-secret")
        let empty = try TicklerBinary.run(["test-channel", "hook", "--config", config, "--credentials-directory", dir + "/empty"])
        #expect(empty.status == 3)
        #expect(empty.stderr.contains("\(config):7:77: error: credential 'webhook-secret' is empty (channel 'hook')"), "\(empty.stderr)")

        receiver.setMode("400")
        #expect(try TicklerBinary.run(["test-channel", "hook", "--config", config, "--credentials-directory", dir + "/credentials"]).status == 1)
        sink.stop()
        let down = try TicklerBinary.run(["test-channel", "email", "--to", "pat@firm.test", "--config", config])
        #expect(down.status == 3)
        #expect(down.stderr.contains("email: not delivered"))
    }
}
