import TicklerCore

/// Where the mail reader (`tickler sync mail`) keeps its place: per mailbox folder, the folder's
/// UIDVALIDITY and the last UID read, saved in the same transaction as the emails of the messages up to
/// it, so a reader killed anywhere reads each message once. Only metadata is written: the emails'
/// ids (the message's key and the contact row), cases, directions and dates.
public protocol MailState: Sendable {
    /// The reader's address book: each contact row with an email address (lowercased), its case's number and
    /// whether the case is open.
    func mailContacts() async throws -> [MailContact]
    /// Where the reader stands in each folder of `mailbox`.
    func mailFolders(mailbox: String) async throws -> [MailFolderCursor]
    /// Records `batch` (an email already recorded, read again from another folder or mailbox, changes
    /// nothing), answers the inbound emails its outbound ones answer, and saves `cursor`, in one transaction.
    func recordMail(_ batch: MailBatch, cursor: MailFolderCursor, now: Instant) async throws -> MailWrite
}

/// A contact row's email address, with its row.
public struct MailContact: Sendable, Equatable {
    public var email: String
    public var row: MailRouting.ContactRow

    public init(email: String, row: MailRouting.ContactRow) {
        self.email = email
        self.row = row
    }
}

/// The emails of some messages of one folder.
public struct MailBatch: Sendable, Equatable {
    /// An outbound email and the keys of the messages it replies to.
    public struct Answer: Sendable, Equatable {
        public var email: MailRouting.Email
        public var repliesTo: [String]

        public init(email: MailRouting.Email, repliesTo: [String]) {
            self.email = email
            self.repliesTo = repliesTo
        }
    }

    public var inbound: [MailRouting.Email] = []
    public var outbound: [Answer] = []

    public init() {}

    public var isEmpty: Bool { inbound.isEmpty && outbound.isEmpty }

    /// Adds what `outcome` records.
    public mutating func add(_ outcome: MailRouting.Outcome) {
        guard case .record(let emails, let repliesTo) = outcome else { return }
        for e in emails {
            if e.direction == .inbound { inbound.append(e) } else { outbound.append(Answer(email: e, repliesTo: repliesTo)) }
        }
    }
}

/// What `recordMail` did.
public struct MailWrite: Sendable, Equatable {
    /// Emails recorded (not recorded before).
    public var recorded: Int
    /// Inbound emails answered.
    public var answered: Int

    public init(recorded: Int, answered: Int) {
        self.recorded = recorded
        self.answered = answered
    }
}

/// Where the reader stands in one folder.
public struct MailFolderCursor: Sendable, Equatable {
    public var mailbox: String
    public var folder: String
    /// The folder's UIDVALIDITY when it was read: a different one means the folder was recreated and its
    /// UIDs mean other messages.
    public var uidValidity: Int64
    /// The last UID read (0: none).
    public var lastUID: Int64
    public var readAt: Instant?

    public init(mailbox: String, folder: String, uidValidity: Int64, lastUID: Int64, readAt: Instant? = nil) {
        self.mailbox = mailbox
        self.folder = folder
        self.uidValidity = uidValidity
        self.lastUID = lastUID
        self.readAt = readAt
    }
}
