import Foundation
import Systemd
import TicklerConfig
import TicklerCore
import TicklerMail

/// The configured mailboxes as the IMAP client takes them, their secrets read from the credentials
/// directory; every unreadable or empty secret is a located error.
enum MailboxAccess {
    static func mailboxes(_ settings: [MailboxSettings], credentialsDirectory: String?) throws -> [Mailbox] {
        let credentials = Credentials(directory: credentialsDirectory ?? ProcessInfo.processInfo.environment["CREDENTIALS_DIRECTORY"])
        var problems: [Diagnostic] = []
        var out: [Mailbox] = []
        for s in settings {
            let ref = s.login.credential
            var secret = ""
            do {
                secret = try credentials.secret(ref.name).trimmingCharacters(in: .newlines)
                if secret.isEmpty { problems.append(ref.location.error("credential '\(ref.name)' of mailbox '\(s.name)' is empty")) }
            } catch {
                problems.append(ref.location.error("\(error) (mailbox '\(s.name)')"))
            }
            let login: IMAPLogin
            switch s.login {
            case .password: login = .password(user: s.user, password: secret)
            case .oauth2Token: login = .xoauth2(user: s.user, token: secret)
            }
            out.append(Mailbox(name: s.name, server: IMAPServer(host: s.host, port: s.port, security: s.security == .tls ? .tls : .startTLS,
                                                                  caFile: s.caFile),
                               login: login, inbound: s.inbound, outbound: s.outbound, window: Int64(s.lookBackDays) * 86_400))
        }
        if !problems.isEmpty { throw CommandFailure.invalid(ConfigurationError(diagnostics: problems).description) }
        return out
    }
}
