import TicklerCore

/// A mailbox Tickler reads (`mailboxes:` in tickler.yaml): its server, how it logs in, and which folders
/// hold mail to the firm (inbound) and from it (outbound).
public struct Mailbox: Sendable, Equatable {
    public var name: String
    public var server: IMAPServer
    public var login: IMAPLogin
    public var inbound: [String]
    public var outbound: [String]
    /// How far back a folder is read the first time, or when its UIDVALIDITY changed (seconds).
    public var window: Int64

    public static let defaultWindow: Int64 = 14 * 86_400

    public init(name: String, server: IMAPServer, login: IMAPLogin, inbound: [String] = ["INBOX"], outbound: [String] = ["Sent"],
                window: Int64 = defaultWindow) {
        self.name = name
        self.server = server
        self.login = login
        self.inbound = inbound
        self.outbound = outbound
        self.window = window
    }
}
