import Dispatch
import Foundation

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
