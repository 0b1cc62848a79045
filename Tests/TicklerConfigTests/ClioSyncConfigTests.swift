import Foundation
import Testing
import TicklerCore
@testable import TicklerConfig

/// `sync: { clio: … }`: read with the region's endpoints and the defaults, or refused with every error
/// located where it is written.
@Suite struct ClioSyncConfigTests {
    static func yaml(_ clio: String) -> String {
        """
        firm: { name: Example Law }
        calendars:
          firm: { timezone: America/Chicago }
        sync:
          clio:
        \(clio)
        policies:
          - { id: p, clock: { since: opened }, stages: [{ after: 1 day, notify: [assignee] }] }
        """
    }

    static let path = "/etc/tickler/tickler.yaml"

    @Test func aClioAccountIsReadWithItsRegionsEndpointsAndTheDefaults() throws {
        let config = try ConfigurationLoader.parse(Self.yaml("""
                region: eu
                client_id: tickler-app-123
                client_secret_credential: clio-client-secret
                refresh_token_credential: clio-refresh-token
                webhook_url: "https://tickler.firm.test/clio/webhook"
                reconcile: 15m
                defaults: { language: es, time_zone: America/New_York }
            """), path: Self.path)
        let clio = try #require(config.clio)
        #expect(clio.region == .eu)
        #expect(clio.clientID == "tickler-app-123")
        #expect(clio.clientSecretCredential.name == "clio-client-secret")
        #expect(clio.clientSecretCredential.location.line == 8)
        #expect(clio.refreshTokenCredential.name == "clio-refresh-token")
        #expect(clio.webhookURL == "https://tickler.firm.test/clio/webhook")
        #expect(clio.reconcile == 900)
        #expect(clio.language == "es" && clio.timeZone == "America/New_York")
        #expect(clio.apiURL == "https://eu.app.clio.com/api/v4")
        #expect(clio.tokenURL == "https://eu.app.clio.com/oauth/token")
        // The daemon does not read the sync's secrets: they are not among the credentials it checks.
        #expect(!config.credentials.contains { $0.name.hasPrefix("clio-") })
    }

    @Test func leftOutTheReconcileIsTenMinutesAndTheZoneTheFirmCalendarsAndTheURLsCanBePointedAtATestDouble() throws {
        let config = try ConfigurationLoader.parse(Self.yaml("""
                region: us
                client_id: app
                client_secret_credential: s
                refresh_token_credential: r
                webhook_url: "https://tickler.firm.test/clio/webhook"
                api_url: "http://127.0.0.1:8123/api/v4/"
                token_url: "http://127.0.0.1:8123/oauth/token"
            """), path: Self.path)
        let clio = try #require(config.clio)
        #expect(clio.reconcile == 600)
        #expect(clio.timeZone == "America/Chicago" && clio.language == nil)
        #expect(clio.apiURL == "http://127.0.0.1:8123/api/v4")
        #expect(clio.tokenURL == "http://127.0.0.1:8123/oauth/token")
    }

    @Test func everyErrorIsLocated() {
        let text = Self.yaml("""
                region: mars
                client_id: "my app"
                client_secret_credential: ../secret
                refresh_token_credential: r
                webhook_url: "http://tickler.firm.test/clio/webhook"
                reconcile: 30s
                defaults: { language: "es es", time_zone: Mars/Olympus }
                api_url: "ftp://clio.test"
                tokens: x
            """)
        do {
            _ = try ConfigurationLoader.parse(text, path: Self.path)
            Issue.record("accepted")
        } catch {
            let lines = error.diagnostics.map(\.description)
            let expected = [
                "\(Self.path):6:13: error: region 'mars' must be one of us, eu, ca, au (the account's data region)",
                "\(Self.path):7:16: error: client_id must be the OAuth application's id (no spaces)",
                "\(Self.path):8:31: error: client_secret_credential must name a credential (a file name: letters, digits, '.', '_', '-')",
                "\(Self.path):10:18: error: webhook_url must use https:// (plain http:// is allowed only to a loopback address)",
                "\(Self.path):11:16: error: reconcile must be at least 1m (Clio allows 50 requests a minute)",
                "\(Self.path):12:27: error: language 'es es' must be a language tag (en, es, pt-BR)",
                "\(Self.path):12:47: error: time_zone 'Mars/Olympus' is not a time zone (America/New_York)",
            ]
            for line in expected { #expect(lines.contains(line), "missing: \(line)\n\(lines.joined(separator: "\n"))") }
            #expect(lines.contains { $0.hasPrefix("\(Self.path):13:14: error: api_url ") }, "\(lines)")
            #expect(lines.contains { $0.hasPrefix("\(Self.path):14:5: error: ") && $0.contains("tokens") }, "\(lines)")
        }
    }

    @Test func aClioBlockNeedsItsAccountAndItsSecrets() {
        do {
            _ = try ConfigurationLoader.parse(Self.yaml("    region: us"), path: Self.path)
            Issue.record("accepted")
        } catch {
            let text = error.diagnostics.map(\.description).joined(separator: "\n")
            for key in ["client_id", "client_secret_credential", "refresh_token_credential", "webhook_url"] {
                #expect(text.contains(key), "\(key) not asked for:\n\(text)")
            }
        }
    }

    /// A clio-task channel writes to sync.clio's account with its credentials, which ticklerd then reads (they
    /// are the channel's as well); without sync.clio it is an error where the channel is written.
    @Test func aClioTaskChannelTakesTheSyncsAccount() throws {
        let account = """
                region: us
                client_id: tickler-app
                client_secret_credential: clio-client-secret
                refresh_token_credential: clio-refresh-token
                webhook_url: "https://tickler.firm.test/clio/webhook"
                requests_per_minute: 120
            """
        let text = Self.yaml(account).replacingOccurrences(of: "sync:\n", with: "channels:\n  tasks: { type: clio-task }\nsync:\n")
        let config = try ConfigurationLoader.parse(text, path: Self.path)
        #expect(config.clio?.requestsPerMinute == 120)
        #expect(config.channels["tasks"] == .clioTask(.init(apiURL: "https://app.clio.com/api/v4", tokenURL: "https://app.clio.com/oauth/token",
                                                             clientID: "tickler-app", clientSecretCredential: "clio-client-secret",
                                                             refreshTokenCredential: "clio-refresh-token", timeZone: "America/Chicago")))
        #expect(config.credentials.filter { $0.channel == "tasks" }.map(\.name) == ["clio-client-secret", "clio-refresh-token"])
        let lonely = """
            firm: { name: Example Law }
            channels:
              tasks: { type: clio-task }
            policies:
              - { id: p, clock: { since: opened }, stages: [{ after: 1 day, notify: [assignee], via: [tasks] }] }
            """
        do {
            _ = try ConfigurationLoader.parse(lonely, path: Self.path)
            Issue.record("accepted")
        } catch {
            #expect(error.diagnostics.map(\.description) == [
                "\(Self.path):3:10: error: channel 'tasks' (type clio-task) writes to the Clio account of sync.clio, which is not configured",
            ])
        }
    }
}
