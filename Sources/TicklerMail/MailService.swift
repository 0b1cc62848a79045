import TicklerCore
import TicklerStore

/// `tickler sync mail` as a service: a pass over every mailbox, then a wait for new mail (IMAP IDLE on each
/// mailbox's inbound folders where the server offers it, else the poll interval), then the next pass. A
/// pass that fails is retried 30 s later, doubling up to the poll interval (`SyncSchedule`); the first
/// failure is an outage and the first pass after it the recovery, each reported once. Nothing that
/// arrived meanwhile is lost: each folder is read from the last UID recorded.
public struct MailService: Sendable {
    public enum Event: Sendable, Equatable {
        case passed(MailReader.Outcome)
        case outage(String)
        case recovered(afterSeconds: Int64)
    }

    /// The store's name of the mail reader's runs (`tickler status`).
    public static let source = "mail"

    public let reader: MailReader
    public let mailboxes: [Mailbox]
    /// Seconds between passes (the shortest of the mailboxes' poll intervals).
    public let poll: Int64
    /// Whether to wait in IDLE (false: poll only, as for a server without it).
    public let idle: Bool

    public init(reader: MailReader, mailboxes: [Mailbox], poll: Int64, idle: Bool = true) {
        self.reader = reader
        self.mailboxes = mailboxes
        self.poll = max(1, poll)
        self.idle = idle
    }

    public func run(report: @Sendable (Event) -> Void) async throws {
        let clock = reader.clock
        var schedule = SyncSchedule(reconcile: poll, models: [], start: clock.now)
        var previous = try? await runs?.syncRun(source: Self.source)
        var idlers = idle ? mailboxes : []
        while !Task.isCancelled {
            let now = clock.now
            switch schedule.next(now: now) {
            case .wait(let until):
                if schedule.failingSince == nil && !idlers.isEmpty {
                    let seconds = max(0, until.seconds - now.seconds)
                    var read: [String: MailFolderCursor] = [:]
                    for m in idlers {
                        guard let folder = m.inbound.first else { continue }
                        read[m.name] = try? await reader.store.mailFolders(mailbox: m.name).first { $0.folder == folder }
                    }
                    let wait = await Self.idle(idlers, read: read, for: .seconds(seconds), timeout: reader.timeout)
                    idlers.removeAll { wait.unsupported.contains($0.name) }
                    if Task.isCancelled { return }
                    if wait.arrived || wait.failed.isEmpty {
                        // New mail, or the wait ran its course: the next pass now.
                        schedule.due(at: clock.now)
                        continue
                    }
                    // A wait that failed (the server refused IDLE or dropped the connection) is not a reason to
                    // read again at once: the pass comes when it is due, and reports a server that is down.
                }
                do { try await clock.sleep(until: until, tolerance: nil) } catch { return }
            case .pass:
                var run = SyncRun(source: Self.source, startedAt: now, syncedFrom: previous?.syncedFrom, error: previous?.error,
                                  errorSince: previous?.errorSince)
                var change: SyncSchedule.Change?
                do {
                    let outcome = try await reader.pass(mailboxes)
                    run.finishedAt = clock.now
                    run.written = outcome.recorded
                    run.skipped = outcome.ignoredCount
                    run.requests = outcome.read
                    run.syncedFrom = now
                    (run.error, run.errorSince) = (nil, nil)
                    try? await runs?.saveSyncRun(run)
                    report(.passed(outcome))
                    change = schedule.passed(at: clock.now)
                } catch {
                    if Task.isCancelled { return }
                    run.finishedAt = clock.now
                    run.error = "\(error)"
                    run.errorSince = run.errorSince ?? now
                    try? await runs?.saveSyncRun(run)
                    change = schedule.failed(at: clock.now)
                    if case .outage = change { report(.outage("\(error)")) }
                }
                previous = run
                if case .recovered(let after) = change { report(.recovered(afterSeconds: after)) }
            case .subscribe, .renew:
                continue
            }
        }
    }

    private var runs: (any SyncState)? { reader.store as? any SyncState }

    /// How a wait in IDLE ended.
    struct IdleWait {
        /// New mail came.
        var arrived = false
        /// Mailboxes whose servers offer no IDLE (polled from then on).
        var unsupported = Set<String>()
        /// Mailboxes whose wait failed (unreachable, IDLE refused, the connection dropped).
        var failed = Set<String>()
    }

    /// Waits in IDLE on each mailbox's first inbound folder until one has new mail or `duration` passes.
    /// Mail that came after the pass read the folder (`read`: where it stands) and before the wait began
    /// ends the wait at once; so does a mailbox whose wait fails.
    static func idle(_ mailboxes: [Mailbox], read: [String: MailFolderCursor], for duration: Duration,
                     timeout: Duration) async -> IdleWait {
        let deadline = ContinuousClock.now + duration
        return await withTaskGroup(of: (String, Bool?, Bool).self) { group in
            for m in mailboxes {
                guard let folder = m.inbound.first else { continue }
                group.addTask {
                    do {
                        return try await IMAPConnection.open(m.server, login: m.login, timeout: timeout) { c in
                            guard c.capabilities.contains("IDLE") else { return (m.name, nil, false) }
                            let status = try await c.examine(folder)
                            if let cursor = read[m.name], cursor.uidValidity != status.uidValidity || (status.uidNext ?? 0) > cursor.lastUID + 1 {
                                return (m.name, true, false)
                            }
                            return (m.name, try await c.idle(until: deadline), false)
                        }
                    } catch {
                        return (m.name, false, true)
                    }
                }
            }
            var wait = IdleWait()
            var waiting = true
            for await (name, result, failed) in group {
                guard let result else {
                    wait.unsupported.insert(name)
                    continue
                }
                wait.arrived = wait.arrived || result
                // A wait cancelled because another ended is no failure.
                if failed && waiting { wait.failed.insert(name) }
                if waiting {
                    // The first wait to end (mail came, the time is up, or a server failed) ends them all.
                    waiting = false
                    group.cancelAll()
                }
            }
            return wait
        }
    }
}
