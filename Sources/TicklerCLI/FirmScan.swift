import Dispatch
import Foundation
import Synchronization
import TicklerStore

/// Streams the firm from the store a chunk of cases at a time and evaluates each chunk on the other cores
/// while the store reads the next; the results reach `sink` one at a time, in the firm's order. At most a
/// few chunks (one more than the cores) are in memory at once, whatever the size of the firm.
enum FirmScan {
    /// Cases per chunk: large enough that a chunk's fixed costs vanish, small enough to keep memory low.
    static let chunkSize = 8192

    static func run<R: Sendable>(_ source: some EvaluationSource, detail: SnapshotDetail = .evaluation, ledger: Bool,
                                 holds: Bool, chunkSize: Int = chunkSize, progress label: String? = nil,
                                 work: @escaping @Sendable (EvaluationChunk) -> R,
                                 sink: @escaping @Sendable (R) -> Void) async throws {
        let depth = ProcessInfo.processInfo.activeProcessorCount + 1
        let gate = DispatchSemaphore(value: depth)
        let workers = DispatchQueue(label: "tickler.scan", attributes: .concurrent)
        let group = DispatchGroup()
        let ordered = InOrder<R>(sink: sink, released: { gate.signal() })
        let progress: SharedProgress? = if let label { SharedProgress(Progress(label, total: try await source.caseCount())) } else { nil }
        let sequence = Mutex(0)
        do {
            try await source.eachChunk(size: chunkSize, detail: detail, ledger: ledger, holds: holds) { chunk in
                // On the reading thread: wait for room, then hand the chunk to a worker and read on.
                gate.wait()
                let n = sequence.withLock { n in defer { n += 1 }; return n }
                workers.async(group: group) {
                    let result = work(chunk)
                    progress?.add(chunk.cases.count)
                    ordered.put(n, result)
                }
            }
        } catch {
            await withCheckedContinuation { done in group.notify(queue: .global()) { done.resume() } }
            throw error
        }
        await withCheckedContinuation { done in group.notify(queue: .global()) { done.resume() } }
        progress?.finish()
    }

    /// Results that arrive in any order, handed on in sequence order.
    private final class InOrder<R: Sendable>: Sendable {
        private let state = Mutex((next: 0, waiting: [Int: R]()))
        private let sink: @Sendable (R) -> Void
        private let released: @Sendable () -> Void

        init(sink: @escaping @Sendable (R) -> Void, released: @escaping @Sendable () -> Void) {
            self.sink = sink
            self.released = released
        }

        func put(_ n: Int, _ result: R) {
            state.withLock { s in
                s.waiting[n] = result
                // The sink runs under the lock: one result at a time, in order.
                while let r = s.waiting.removeValue(forKey: s.next) {
                    sink(r)
                    s.next += 1
                    released()
                }
            }
        }
    }
}
