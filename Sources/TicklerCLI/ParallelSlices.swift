import Dispatch
import Foundation

/// Splits `0..<count` into contiguous slices, runs `body` on each slice on every core, and returns the
/// results in slice order. Used where the work per case is independent (simulate, plan).
enum ParallelSlices {
    static func map<T>(count: Int, minimumSlice: Int = 256, _ body: @Sendable (Int, Range<Int>) -> T) -> [T] {
        let cores = ProcessInfo.processInfo.activeProcessorCount
        let slices = max(1, min(count / max(minimumSlice, 1), cores * 4))
        let results = Slots<T>(count: slices)
        DispatchQueue.concurrentPerform(iterations: slices) { slice in
            results.set(slice, body(slice, (count * slice / slices)..<(count * (slice + 1) / slices)))
        }
        return results.values
    }

    /// One slot per slice, each written by one worker.
    private final class Slots<T>: @unchecked Sendable {
        private var slots: [T?]
        private let lock = NSLock()
        init(count: Int) { slots = Array(repeating: nil, count: count) }
        func set(_ i: Int, _ value: T) {
            lock.lock()
            slots[i] = value
            lock.unlock()
        }
        var values: [T] {
            lock.lock()
            defer { lock.unlock() }
            return slots.map { $0! }
        }
    }
}

/// A terminal progress line fed from several workers.
final class SharedProgress: @unchecked Sendable {
    private var progress: Progress
    private var done = 0
    private let lock = NSLock()
    init(_ progress: Progress) { self.progress = progress }
    func add(_ n: Int) {
        lock.lock()
        done += n
        progress.update(done)
        lock.unlock()
    }
    func finish() { progress.finish() }
}
