import ArgumentParser
import Foundation
import Systemd
import TicklerConfig
import TicklerCore
import TicklerDelivery

/// `tickler test-channel NAME [--to ADDRESS]`: sends a sample message through a configured channel, with
/// the configuration's templates and the channel's credentials, and says what the channel answered.
struct TestChannel: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "test-channel",
        abstract: "Send a sample message through a channel of the configuration.",
        discussion: """
            Email channels need --to an address, SMS channels --to a number (E.164). Credentials are read from $CREDENTIALS_DIRECTORY, as under systemd, or
            from --credentials-directory. Exit status: 0 delivered, 1 refused for good, 3 unreachable.
            """)

    @OptionGroup var options: CommonOptions

    @Argument(help: "The channel's name under channels:.")
    var channel: String

    @Option(help: "The address an email channel sends the sample to, or the number (E.164) an SMS channel texts.")
    var to: String?

    @Option(name: .customLong("credentials-directory"), help: "Where the channel's credentials are (one file each).")
    var credentialsDirectory: String?

    func run() async throws {
        let config = try options.loadConfiguration()
        let templates: TemplateCatalog
        do { templates = try TemplateCatalog.load(directory: config.templatesDirectory, policies: config.policies) } catch {
            throw CommandFailure.invalid(error.description)
        }
        guard let settings = config.channels[channel] else {
            throw CommandFailure.invalid("no channel '\(channel)'; the configuration has \(config.channels.keys.sorted().joined(separator: ", "))")
        }
        let credentials = Credentials(directory: credentialsDirectory ?? ProcessInfo.processInfo.environment["CREDENTIALS_DIRECTORY"])
        let problems = config.credentialProblems(channels: [channel]) { try credentials.secret($0) }
        if !problems.isEmpty { throw CommandFailure.unavailable(ConfigurationError(diagnostics: problems).description) }
        let now = SystemClock().now
        let composer = MessageComposer(templates: templates)
        let policy = config.policies.first
        let notice = Notice(
            fireID: String(SHA256.hex("tickler-test-\(now.seconds)").prefix(32)), caseID: "test", caseNumber: "TEST-0001",
            caseTitle: "Sample matter", clientName: "Sample Client", policy: policy?.id ?? "sample-policy",
            policyDescription: "A sample message from 'tickler test-channel': nothing is due.", stage: 1, repeatNumber: 0,
            action: .remind, subject: "case:test", due: now, firedAt: now, deliverAt: now,
            explanation: "This is a test of channel '\(channel)', sent by 'tickler test-channel'.", recipients: [to ?? channel],
            recipientName: "", firmName: config.firmName, zone: config.defaultCalendar.zone)
        let outcome: SendOutcome
        switch settings {
        case .email(let e):
            guard let to, let mailbox = Mailbox(parsing: to) else {
                throw CommandFailure.usage("an email channel needs --to ADDRESS")
            }
            var password: String?
            if let name = e.passwordCredential {
                do { password = try credentials.secret(name) } catch { throw CommandFailure.unavailable(error.description) }
            }
            outcome = SMTPSender(settings: e, password: password).send(composer.email(notice, to: mailbox, settings: e, now: now))
        case .webhook(let w):
            let secret: String
            do { secret = try credentials.secret(w.secretCredential) } catch { throw CommandFailure.unavailable(error.description) }
            outcome = WebhookSender(settings: w, secret: secret)
                .send(body: composer.webhookBody(notice, includeClient: w.includeClient), idempotencyKey: notice.fireID, now: now)
        case .sms(let t):
            guard let to, Contact.isE164(to) else { throw CommandFailure.usage("an SMS channel needs --to a number in E.164 (+14155550123)") }
            let token: String
            do { token = try credentials.secret(t.authTokenCredential) } catch { throw CommandFailure.unavailable(error.description) }
            let body = "\(config.firmName.isEmpty ? "Tickler" : config.firmName): a test of channel '\(channel)'. No reply is needed."
            outcome = SMSSender(settings: t, token: token).send(to: to, body: body, idempotencyKey: notice.fireID).outcome
        case .journal, .outbox:
            throw CommandFailure.invalid("channel '\(channel)' is written with each fire, not sent: nothing to test")
        case .clioTask:
            // A sample would be a real task in the firm's Clio: the account is checked by the sync instead.
            throw CommandFailure.invalid("channel '\(channel)' creates tasks in the firm's Clio: check its account with 'tickler sync clio --once'")
        }
        switch outcome {
        case .delivered: Output.standard.line("\(channel): delivered (fire \(notice.fireID))")
        case .failed(let reason): throw CommandFailure.invalid("\(channel): refused: \(reason)")
        case .retry(let reason, _): throw CommandFailure.unavailable("\(channel): not delivered: \(reason)")
        }
    }
}
