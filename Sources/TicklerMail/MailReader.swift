import TicklerCore
import TicklerStore

/// One pass over the firm's mailboxes: every folder read from where its cursor stands, its new messages'
/// header sections fetched in chunks, each made into emails (`MailRouting`) and written with the folder's
/// cursor in one transaction. The inbound folders of every mailbox are read before the outbound ones, so
/// a reply is read after what it answers. A folder read for the first time, or whose UIDVALIDITY changed
/// (it was recreated), is read from `window` back, not whole.
public struct MailReader: Sendable {
    /// What a pass did.
    public struct Outcome: Sendable, Equatable {
        /// Messages read.
        public var read = 0
        /// Emails recorded, and inbound ones answered.
        public var recorded = 0
        public var answered = 0
        /// Messages left out, by why.
        public var ignored: [MailRouting.Ignored: Int] = [:]
        /// Messages without a date (left out).
        public var undated = 0
        /// Folders re-read from the window because their UIDVALIDITY changed.
        public var revalidated: [String] = []

        public init() {}

        public var ignoredCount: Int { ignored.values.reduce(0, +) + undated }
    }

    /// How many messages one fetch (and one transaction) takes.
    public static let chunk = 500

    public let store: any MailState
    public let clock: any InstantClock
    public let timeout: Duration

    public init(store: any MailState, clock: any InstantClock, timeout: Duration = .seconds(60)) {
        self.store = store
        self.clock = clock
        self.timeout = timeout
    }

    /// Reads every mailbox; the first that cannot be read ends the pass with its error (what was written
    /// stays written, and the next pass goes on from there).
    public func pass(_ mailboxes: [Mailbox]) async throws -> Outcome {
        let book = try await AddressBook(store.mailContacts())
        var outcome = Outcome()
        for role in [MailRouting.Folder.inbound, .outbound] {
            for m in mailboxes {
                let folders = role == .inbound ? m.inbound : m.outbound
                if folders.isEmpty { continue }
                let cursors = Dictionary(try await store.mailFolders(mailbox: m.name).map { ($0.folder, $0) }, uniquingKeysWith: { a, _ in a })
                outcome = try await IMAPConnection.open(m.server, login: m.login, timeout: timeout) { [outcome] c in
                    var o = outcome
                    for f in folders {
                        try await read(f, of: m, role: role, cursor: cursors[f], book: book, connection: c, outcome: &o)
                    }
                    return o
                }
            }
        }
        return outcome
    }

    private func read(_ folder: String, of m: Mailbox, role: MailRouting.Folder, cursor: MailFolderCursor?, book: AddressBook,
                      connection c: IMAPConnection, outcome: inout Outcome) async throws {
        let status = try await c.examine(folder)
        let uids: [Int64]
        let known = cursor?.uidValidity == status.uidValidity
        if let cursor, known {
            if let next = status.uidNext, next <= cursor.lastUID + 1 { uids = [] } else { uids = try await c.uids(after: cursor.lastUID) }
        } else {
            if cursor != nil { outcome.revalidated.append("\(m.name)/\(folder)") }
            uids = try await c.uids(since: MailDate.imapSearchDate(MailDate.lookBack(from: clock.now, seconds: m.window)))
        }
        var last = known ? cursor?.lastUID ?? 0 : 0
        if uids.isEmpty {
            // Nothing new: when it was read is kept (the status's lag), and a folder read for the first time, or
            // recreated, keeps its place (past every message, none of which is in the window).
            if !known { last = max(last, (status.uidNext ?? 1) - 1) }
            _ = try await store.recordMail(MailBatch(), cursor: MailFolderCursor(mailbox: m.name, folder: folder, uidValidity: status.uidValidity,
                                                                                 lastUID: last, readAt: clock.now), now: clock.now)
            return
        }
        var start = 0
        while start < uids.count {
            let slice = Array(uids[start..<min(uids.count, start + Self.chunk)])
            start += slice.count
            var batch = MailBatch()
            for h in try await c.headers(uids: slice) {
                outcome.read += 1
                guard let message = ReceivedMail(headers: MailHeaders(parsing: h.bytes), raw: h.bytes,
                                                 internalDate: h.internalDate.flatMap(MailDate.imap)) else {
                    outcome.undated += 1
                    continue
                }
                let routed = MailRouting.route(message, folder: role) { book.rows($0) }
                if case .ignored(let why) = routed { outcome.ignored[why, default: 0] += 1 }
                batch.add(routed)
            }
            last = max(last, slice.last ?? last)
            let w = try await store.recordMail(batch, cursor: MailFolderCursor(mailbox: m.name, folder: folder, uidValidity: status.uidValidity,
                                                                               lastUID: last, readAt: clock.now), now: clock.now)
            outcome.recorded += w.recorded
            outcome.answered += w.answered
        }
    }
}

/// The contacts' rows by email address.
struct AddressBook: Sendable {
    var byAddress: [String: [MailRouting.ContactRow]] = [:]

    init(_ contacts: [MailContact]) {
        for c in contacts { byAddress[c.email, default: []].append(c.row) }
    }

    func rows(_ address: String) -> [MailRouting.ContactRow] { byAddress[address] ?? [] }
}
