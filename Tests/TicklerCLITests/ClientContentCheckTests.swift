import Foundation
import Testing
import TicklerTestKit

/// `check-config` says, at its place, what works but would read badly to clients: a stage without text in
/// a configured language, a text message that cannot fit the sms channel's segments (and what is sent
/// instead), HELP replies that cannot give the firm's phone and email. The configuration stays valid.
@Suite(.ownThreads) struct ClientContentCheckTests {
    static let config = """
        firm: { name: Example Law }
        calendars:
          firm: { timezone: America/Chicago, holidays: [us-federal] }
        store: { sqlite: tickler.db }
        channels:
          texts: { type: sms, url: "http://127.0.0.1:9", account_sid: AC1, auth_token_credential: sms-token, from: "+13125550000",
                   max_segments: 1 }
        clients:
          channels: { sms: texts }
          languages: [en, es]
          inbound: { public_url: "https://tickler.firm.test" }
        stages:
          default:
            - id: intake
              text: { en: { name: Intake }, es: { name: Inicio } }
            - id: discovery
              text:
                en: { name: Discovery, means: Both sides exchange evidence., next: We send the other side our written questions and they answer under oath. }
        policies:
          - id: stage-update
            client_facing: true
            clock: { since: stage_change }
            stages: [{ after: 0 minutes, notify: [client], deliver: immediately }]
        """

    @Test func contentWarningsAreLocatedAndTheConfigurationStaysValid() throws {
        let dir = scratch()
        put(Self.config, dir + "/tickler.yaml")
        let r = try TicklerBinary.run(["check-config", "--config", dir + "/tickler.yaml"])
        #expect(r.status == 0, "\(r.stderr)")
        let path = dir + "/tickler.yaml"
        #expect(r.stderr.split(separator: "\n").map(String.init) == [
            "\(path):1:7: warning: firm: gives no phone or email: HELP replies to clients' texts must say how to reach the firm "
                + "(carriers require it)",
            // A text in Spanish (UCS-2, 70 characters a segment) has room for little besides its opt-out line.
            "\(path):15:13: warning: stage 'intake' of default in es does not fit a text of 1 segment by policy stage-update: it is cut: "
                + "\"Example Law: su caso... Responda PARAR para no recibir más mensajes.\"",
            "\(path):18:9: warning: stage 'discovery' of default has no es text: contacts in es get its messages in en",
            "\(path):18:9: warning: stage 'discovery' of default in en does not fit a text of 1 segment by policy stage-update: "
                + "its short form is sent instead: \"Example Law: your case is now at the Discovery stage. Questions? +13125550199 "
                + "Reply STOP to opt out.\"",
        ], "\(r.stderr)")
        #expect(r.stdout.hasSuffix("; 4 warnings\n"))

        // Written out, the warnings go.
        put(Self.config.replacingOccurrences(of: "firm: { name: Example Law }",
                                             with: "firm: { name: Example Law, phone: \"+1 312 555 0100\", email: help@firm.test }")
                .replacingOccurrences(of: "max_segments: 1", with: "max_segments: 3")
                .replacingOccurrences(of: "next: We send the other side our written questions and they answer under oath. }",
                                      with: "next: We send our questions. }\n        es: { name: Descubrimiento }"),
            dir + "/tickler.yaml")
        let clean = try TicklerBinary.run(["check-config", "--config", dir + "/tickler.yaml"])
        #expect(clean.status == 0 && clean.stderr.isEmpty, "\(clean.stderr)")
    }
}
