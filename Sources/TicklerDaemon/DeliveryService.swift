import Foundation
import Synchronization
import Systemd
import TicklerConfig
import TicklerCore
import TicklerDelivery
import TicklerJournal
import TicklerStore

/// The delivery side of the daemon: one lane per queued channel (email and webhook channels), and one
/// for client messages when the configuration has `clients:`, each running beside the poll loop. The poll
/// loop only records fires and kicks the lanes; it never waits for a send.
final class DeliveryService: Sendable {
    let lanes: [DeliveryLane]
    /// Set by a lane after each attempt it records: the queue's counts have changed.
    private let attempted = ActivityFlag()

    /// The claims' lease and its renewal.
    let heartbeat: ClaimHeartbeat
    private let store: any DeliveryQueue
    private let claimant: String
    private let clock: any InstantClock

    /// `lease`: how long a claim holds without renewal (on PostgreSQL the store's lease, after which another
    /// instance takes over what this one claimed).
    init(config: Configuration, templates: TemplateCatalog, store: any FirmStore, events: EventLog, basis: LaneBasis,
         lease: Duration = DeliveryLane.lease) {
        let context = DeliveryContext(config: config, templates: templates)
        let attempted = self.attempted
        let heartbeat = ClaimHeartbeat(lease: lease)
        (self.heartbeat, self.store, self.claimant, self.clock) = (heartbeat, store, basis.claimant, basis.clock)
        let credentials = basis.credentials
        let secret: @Sendable (String) throws -> String = { try credentials.secret($0) }
        func lane(_ name: String, _ sender: any LaneSending) -> DeliveryLane {
            DeliveryLane(channel: name, sender: sender, store: store, basis: basis, events: events, retry: config.retry, heartbeat: heartbeat,
                         onAttempt: { attempted.set() })
        }
        var lanes: [DeliveryLane] = config.channels.sorted { $0.key < $1.key }.compactMap { name, settings in
            guard settings.queueing != .none else { return nil }
            return lane(name, ChannelSending(channel: name, settings: settings, context: context, secret: secret))
        }
        if let clients = config.clients {
            lanes.append(lane(DeliveryPlan.clientChannel, ClientDispatch(settings: clients, config: config, composer: context.composer,
                                                                         store: store, secret: secret)))
        }
        self.lanes = lanes
    }

    /// Whether any lane recorded an attempt since the last call.
    func takeActivity() -> Bool { attempted.take() }

    /// The lanes' run loops, started by `start` and awaited by `stop`.
    private let running = Mutex<[Task<Void, Never>]>([])

    /// The renewal of the lanes' claims, from `start` to `stop`.
    private let beating = Mutex<Task<Void, Never>?>(nil)

    func start() {
        let tasks = lanes.map { lane in Task { await lane.run() } }
        running.withLock { $0 += tasks }
        guard !lanes.isEmpty else { return }
        let (heartbeat, store, claimant, clock) = (heartbeat, store, claimant, clock)
        beating.withLock { $0 = Task { await heartbeat.run(store: store, claimant: claimant, clock: clock) } }
    }

    /// New deliveries were queued: lanes that are asleep look now.
    func kick() async {
        for lane in lanes { await lane.kick() }
    }

    /// `--once`: sends what is due on every lane, all lanes at once, within `timeout`. True when nothing
    /// due was left queued.
    func drain(timeout: Duration) async -> Bool {
        let deadline = ContinuousClock.now + timeout
        return await withTaskGroup(of: Bool.self) { group in
            for lane in lanes { group.addTask { await lane.drain(deadline: deadline) } }
            var all = true
            for await done in group { all = all && done }
            return all
        }
    }

    /// Stops the lanes: a send in flight may finish within `bound`; what is left stays queued (and a send
    /// cut off by the bound is sent again at the next start, with the same idempotency key).
    func stop(bound: Duration) async {
        defer { beating.withLock { t in t?.cancel(); t = nil } }
        for lane in lanes { await lane.stop() }
        let tasks = running.withLock { t in
            defer { t = [] }
            return t
        }
        if tasks.isEmpty { return }
        // Returns when every run loop has ended (each ends after the send it has in flight) or when the
        // bound passes, whichever comes first: the end of the lanes is awaited, not polled.
        let first = FirstCall()
        await withCheckedContinuation { (done: CheckedContinuation<Void, Never>) in
            let resume: @Sendable () -> Void = { if first.take() { done.resume() } }
            let bounded = Task {
                try? await Task.sleep(for: bound)
                resume()
            }
            Task {
                for t in tasks { await t.value }
                bounded.cancel()
                resume()
            }
        }
    }
}

/// A flag lanes raise and the poll loop takes down.
final class ActivityFlag: Sendable {
    private let value = Mutex(false)

    func set() { value.withLock { $0 = true } }

    /// Whether it was raised since the last take.
    func take() -> Bool { value.withLock { v in defer { v = false }; return v } }
}

/// True for the first caller only: of two events, the one that came first acts.
final class FirstCall: Sendable {
    private let called = Mutex(false)

    func take() -> Bool { called.withLock { c in defer { c = true }; return !c } }
}

/// The deliveries being sent right now, across every lane of every configuration: after a reload the new
/// lanes leave alone what an old lane still has in flight, so a reload does not send anything twice.
final class InFlight: Sendable {
    private let ids = Mutex(Set<Int64>())

    /// Claims `id`; false when another lane has it.
    func claim(_ id: Int64) -> Bool { ids.withLock { $0.insert(id).inserted } }

    func release(_ id: Int64) { _ = ids.withLock { $0.remove(id) } }
}
