import Foundation

/// With `TICKLER_TIMINGS=1`, long commands print how long each phase took to standard error, so a slow
/// run on a large store can be diagnosed without a profiler. Silent otherwise.
struct PhaseTimer {
    private let enabled = ProcessInfo.processInfo.environment["TICKLER_TIMINGS"] == "1"
    private var last = Date()

    mutating func mark(_ phase: String) {
        guard enabled else { return }
        let now = Date()
        FileHandle.standardError.write(Data(String(format: "%@: %.0f ms\n", phase, now.timeIntervalSince(last) * 1000).utf8))
        last = now
    }
}
