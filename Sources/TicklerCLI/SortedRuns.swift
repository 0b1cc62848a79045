import Foundation
import Glibc

/// Output lines that must come out in one global order but are produced in sorted runs (one per chunk of
/// cases): an external merge sort. Runs are kept in memory until they hold `budget` bytes; then they are
/// merged into one run written to a temporary file (unlinked at once, so nothing is left behind). At the
/// end every run is merged into the output. Memory stays near `budget` whatever the number of lines.
/// Runs are added from one thread at a time (a scan's in-order sink).
final class SortedRuns: @unchecked Sendable {
    /// The order: instant, case rank, policy rank, stage, repeat. Runs never tie with each other on it
    /// (a case's lines are all in one run), and within a run the lines are already in their final order.
    struct Key: Comparable {
        var at: Int64
        var caseRank: Int32
        var policyRank: Int32
        var stage: Int32
        var repeatNumber: Int32

        static func < (a: Key, b: Key) -> Bool {
            if a.at != b.at { return a.at < b.at }
            if a.caseRank != b.caseRank { return a.caseRank < b.caseRank }
            if a.policyRank != b.policyRank { return a.policyRank < b.policyRank }
            if a.stage != b.stage { return a.stage < b.stage }
            return a.repeatNumber < b.repeatNumber
        }
    }

    /// A sorted run in memory: keys in order, and each line's bytes at `ranges[i]` of `text` (the text may
    /// hold the lines in another order: sorting moves only the ranges).
    struct Run {
        var keys: [Key] = []
        var text: [UInt8] = []
        var ranges: [Range<Int>] = []

        var count: Int { keys.count }

        mutating func append(_ key: Key, line: some Collection<UInt8>) {
            keys.append(key)
            let start = text.count
            text.append(contentsOf: line)
            ranges.append(start..<text.count)
        }

        func line(_ i: Int) -> ArraySlice<UInt8> { text[ranges[i]] }
    }

    private let budget: Int
    private var memory: [Run] = []
    private var memoryBytes = 0
    /// Spilled runs: where each starts in the file, and how many records it has.
    private var spilled: [(offset: Int, count: Int)] = []
    private var file: Int32 = -1
    private var fileSize = 0
    /// How many lines were added.
    private(set) var total = 0

    init(budget: Int = 64 << 20) { self.budget = budget }

    deinit { if file >= 0 { close(file) } }

    /// The first error of `keep`.
    private var failure: (any Error)?

    /// `add` from a sink that cannot throw: the first error is kept for `check`.
    func keep(_ run: Run) {
        guard failure == nil else { return }
        do { try add(run) } catch { failure = error }
    }

    func check() throws {
        if let failure { throw failure }
    }

    func add(_ run: Run) throws {
        guard run.count > 0 else { return }
        total += run.count
        memory.append(run)
        memoryBytes += run.text.count + run.count * (MemoryLayout<Key>.stride + MemoryLayout<Range<Int>>.stride)
        if memoryBytes > budget { try spill() }
    }

    /// Merges the runs held in memory into one run on disk.
    private func spill() throws {
        if file < 0 { file = try Self.temporaryFile() }
        let start = fileSize
        var buffer: [UInt8] = []
        buffer.reserveCapacity(1 << 20)
        var count = 0
        let sources = memory.map { MemorySource(run: $0) as any RunSource }
        Self.merge(sources) { key, line in
            Self.encode(key, line, into: &buffer)
            count += 1
            if buffer.count >= 1 << 20 { write(&buffer) }
        }
        write(&buffer)
        spilled.append((start, count))
        memory = []
        memoryBytes = 0
    }

    private func write(_ buffer: inout [UInt8]) {
        buffer.withUnsafeBytes { raw in
            var done = 0
            while done < raw.count {
                let n = pwrite(file, raw.baseAddress! + done, raw.count - done, off_t(fileSize + done))
                if n <= 0 { break }
                done += n
            }
            fileSize += done
        }
        buffer.removeAll(keepingCapacity: true)
    }

    /// Every line, in order, in blocks of about `block` bytes.
    func drain(block: Int = 1 << 16, _ out: ([UInt8]) -> Void) {
        var sources: [any RunSource] = memory.map { MemorySource(run: $0) }
        for s in spilled { sources.append(FileSource(file: file, offset: s.offset, count: s.count)) }
        var buffer: [UInt8] = []
        buffer.reserveCapacity(block + 4096)
        Self.merge(sources) { _, line in
            buffer.append(contentsOf: line)
            if buffer.count >= block {
                out(buffer)
                buffer.removeAll(keepingCapacity: true)
            }
        }
        if !buffer.isEmpty { out(buffer) }
    }

    /// A k-way merge by key (ties go to the earlier source, which keeps each run's own order).
    private static func merge(_ sources: [any RunSource], _ emit: (Key, ArraySlice<UInt8>) -> Void) {
        var heap: [(Key, Int)] = []
        func less(_ a: (Key, Int), _ b: (Key, Int)) -> Bool { a.0 < b.0 || (a.0 == b.0 && a.1 < b.1) }
        func siftDown(_ start: Int) {
            var i = start
            while true {
                let l = 2 * i + 1, r = l + 1
                var m = i
                if l < heap.count && less(heap[l], heap[m]) { m = l }
                if r < heap.count && less(heap[r], heap[m]) { m = r }
                if m == i { return }
                heap.swapAt(i, m)
                i = m
            }
        }
        for (i, s) in sources.enumerated() { if let k = s.key { heap.append((k, i)) } }
        for i in stride(from: heap.count / 2 - 1, through: 0, by: -1) { siftDown(i) }
        while let top = heap.first {
            let source = sources[top.1]
            emit(top.0, source.line)
            if let next = source.advance() {
                heap[0] = (next, top.1)
            } else {
                heap[0] = heap[heap.count - 1]
                heap.removeLast()
            }
            if !heap.isEmpty { siftDown(0) }
        }
    }

    private static func encode(_ k: Key, _ line: ArraySlice<UInt8>, into b: inout [UInt8]) {
        withUnsafeBytes(of: k.at.littleEndian) { b.append(contentsOf: $0) }
        for v in [k.caseRank, k.policyRank, k.stage, k.repeatNumber, Int32(line.count)] {
            withUnsafeBytes(of: v.littleEndian) { b.append(contentsOf: $0) }
        }
        b.append(contentsOf: line)
    }

    private static func temporaryFile() throws -> Int32 {
        let dir = ProcessInfo.processInfo.environment["TMPDIR"] ?? "/tmp"
        var template = Array("\(dir)/tickler-sort-XXXXXX".utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard fd >= 0 else { throw CommandFailure(message: "error: cannot make a temporary file in \(dir)", exitCode: 1) }
        template.withUnsafeBufferPointer { _ = unlink($0.baseAddress!) }
        return fd
    }
}

/// One run being merged: its current record, and a step to the next.
private protocol RunSource: AnyObject {
    var key: SortedRuns.Key? { get }
    var line: ArraySlice<UInt8> { get }
    /// Moves to the next record; its key, or nil at the end.
    func advance() -> SortedRuns.Key?
}

private final class MemorySource: RunSource {
    let run: SortedRuns.Run
    var i = 0
    init(run: SortedRuns.Run) { self.run = run }
    var key: SortedRuns.Key? { i < run.count ? run.keys[i] : nil }
    var line: ArraySlice<UInt8> { run.line(i) }
    func advance() -> SortedRuns.Key? {
        i += 1
        return key
    }
}

/// A spilled run, read back through a buffer of its own.
private final class FileSource: RunSource {
    let file: Int32
    var offset: Int
    var left: Int
    var buffer: [UInt8] = []
    var position = 0
    private(set) var key: SortedRuns.Key?
    private(set) var line: ArraySlice<UInt8> = []
    static let header = 28

    init(file: Int32, offset: Int, count: Int) {
        self.file = file
        self.offset = offset
        left = count
        _ = advance()
    }

    func advance() -> SortedRuns.Key? {
        guard left > 0, ensure(Self.header) else { key = nil; return nil }
        let h = buffer[position..<(position + Self.header)]
        func i32(_ at: Int) -> Int32 {
            var v: Int32 = 0
            withUnsafeMutableBytes(of: &v) { $0.copyBytes(from: h[(h.startIndex + at)..<(h.startIndex + at + 4)]) }
            return Int32(littleEndian: v)
        }
        var at: Int64 = 0
        withUnsafeMutableBytes(of: &at) { $0.copyBytes(from: h[h.startIndex..<(h.startIndex + 8)]) }
        let k = SortedRuns.Key(at: Int64(littleEndian: at), caseRank: i32(8), policyRank: i32(12), stage: i32(16),
                               repeatNumber: i32(20))
        let length = Int(i32(24))
        guard ensure(Self.header + length) else { key = nil; return nil }
        line = buffer[(position + Self.header)..<(position + Self.header + length)]
        position += Self.header + length
        left -= 1
        key = k
        return k
    }

    /// Makes `n` bytes from `position` available in the buffer, reading more of the file when needed.
    private func ensure(_ n: Int) -> Bool {
        if buffer.count - position >= n { return true }
        buffer.removeSubrange(0..<position)
        position = 0
        let want = max(n - buffer.count, 256 << 10)
        let start = buffer.count
        buffer += [UInt8](repeating: 0, count: want)
        let got = buffer.withUnsafeMutableBytes { pread(file, $0.baseAddress! + start, want, off_t(offset)) }
        buffer.removeLast(want - max(0, got))
        offset += max(0, got)
        return buffer.count >= n
    }
}
