import Foundation
import Synchronization
import Testing

extension Trait where Self == OwnThreads {
    /// Runs each test on threads of its own instead of Swift's cooperative pool, at most `OwnThreads.width`
    /// such tests at a time. For suites whose tests wait synchronously (a child process, `journalctl`, `psql`,
    /// a polling loop): on a machine with two cores the cooperative pool has two threads, and two such waits
    /// would otherwise hold up every other test of the process — a PostgreSQL transaction in another test
    /// then sits idle until the server ends it.
    public static var ownThreads: OwnThreads { OwnThreads() }
}

/// The trait behind `.ownThreads`.
public struct OwnThreads: TestTrait, SuiteTrait, TestScoping {
    /// How many of these tests run at once: as many as the cooperative pool used to give them, so that the
    /// processes they start load the machine no more than before.
    public static let width = 2

    public var isRecursive: Bool { true }

    public func provideScope(for test: Test, testCase: Test.Case?, performing function: @Sendable () async throws -> Void) async throws {
        // The suite itself is only a grouping: its tests are scoped one by one.
        guard testCase != nil else { return try await function() }
        await Self.slots.acquire()
        let executor = ThreadsExecutor(threads: 2)
        defer {
            executor.finish()
            Self.slots.release()
        }
        try await withTaskExecutorPreference(executor) { try await function() }
    }

    static let slots = AsyncSlots(Self.width)
}

/// A counting semaphore whose waiters suspend instead of blocking a thread.
final class AsyncSlots: Sendable {
    private struct State {
        var free: Int
        var waiting: [CheckedContinuation<Void, Never>] = []
    }
    private let state: Mutex<State>

    init(_ count: Int) { state = Mutex(State(free: count)) }

    func acquire() async {
        await withCheckedContinuation { (c: CheckedContinuation<Void, Never>) in
            let now = state.withLock { s -> Bool in
                if s.free > 0 { s.free -= 1; return true }
                s.waiting.append(c)
                return false
            }
            if now { c.resume() }
        }
    }

    func release() {
        let next = state.withLock { s -> CheckedContinuation<Void, Never>? in
            if s.waiting.isEmpty { s.free += 1; return nil }
            return s.waiting.removeFirst()
        }
        next?.resume()
    }
}

/// A task executor with threads of its own (one test's), ended by `finish()`: jobs enqueued after that
/// still run, each on a thread started for it.
public final class ThreadsExecutor: TaskExecutor, Sendable {
    /// The threads of every such executor that are running.
    private static let threads = Mutex<Set<UInt>>([])

    /// Whether the calling code runs on a thread of one of these executors.
    public static var isCurrent: Bool { threads.withLock { $0.contains(UInt(pthread_self())) } }
    private struct State {
        var jobs: [UnownedJob] = []
        var finished = false
    }
    private let state = Mutex(State())
    private let ready = NSCondition()

    init(threads: Int) {
        for _ in 0..<threads {
            Thread.detachNewThread { [self] in work() }
        }
    }

    public func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        let late = state.withLock { s -> Bool in
            if s.finished { return true }
            s.jobs.append(job)
            return false
        }
        if late {
            let executor = self
            Thread.detachNewThread { job.runSynchronously(on: executor.asUnownedTaskExecutor()) }
            return
        }
        ready.lock()
        ready.signal()
        ready.unlock()
    }

    /// The threads end once the jobs already enqueued have run.
    func finish() {
        state.withLock { $0.finished = true }
        ready.lock()
        ready.broadcast()
        ready.unlock()
    }

    private func work() {
        let me = UInt(pthread_self())
        Self.threads.withLock { _ = $0.insert(me) }
        defer { Self.threads.withLock { _ = $0.remove(me) } }
        while true {
            ready.lock()
            var next: UnownedJob?
            var done = false
            while true {
                (next, done) = state.withLock { s -> (UnownedJob?, Bool) in
                    if !s.jobs.isEmpty { return (s.jobs.removeFirst(), false) }
                    return (nil, s.finished)
                }
                if next != nil || done { break }
                ready.wait()
            }
            ready.unlock()
            guard let job = next else { return }
            job.runSynchronously(on: asUnownedTaskExecutor())
        }
    }
}
