/// When each case next needs evaluating, as the evaluator last said. A tick takes the cases that are due
/// instead of evaluating the whole firm: its cost follows the due work, not the number of cases.
public struct WakeSchedule: Sendable {
    private var wakes: [String: Instant] = [:]
    /// Min-heap of (wake, case); entries that no longer match `wakes` are dropped when they surface.
    private var heap: [(Instant, String)] = []

    public init() {}

    public var count: Int { wakes.count }

    /// The earliest wake-up, if any case has one.
    public mutating func earliest() -> Instant? {
        dropStale()
        return heap.first?.0
    }

    /// Sets (or with nil clears) when `caseID` next needs evaluating.
    public mutating func set(_ caseID: String, _ wake: Instant?) {
        guard let wake else {
            wakes[caseID] = nil
            return
        }
        if wakes[caseID] == wake { return }
        wakes[caseID] = wake
        push((wake, caseID))
    }

    /// Removes and returns every case whose wake-up is at or before `now`, earliest first.
    public mutating func takeDue(at now: Instant) -> [String] {
        var due: [String] = []
        while true {
            dropStale()
            guard let top = heap.first, top.0 <= now else { return due }
            pop()
            wakes[top.1] = nil
            due.append(top.1)
        }
    }

    public func wake(of caseID: String) -> Instant? { wakes[caseID] }

    private mutating func dropStale() {
        while let top = heap.first, wakes[top.1] != top.0 { pop() }
    }

    private mutating func push(_ item: (Instant, String)) {
        heap.append(item)
        var i = heap.count - 1
        while i > 0 {
            let parent = (i - 1) / 2
            guard heap[i].0 < heap[parent].0 else { break }
            heap.swapAt(i, parent)
            i = parent
        }
        // Stale entries accumulate when wakes move; rebuild before they outnumber live ones.
        if heap.count > 2 * wakes.count + 64 {
            heap = wakes.map { ($0.value, $0.key) }.sorted { $0.0 < $1.0 }
        }
    }

    private mutating func pop() {
        heap.swapAt(0, heap.count - 1)
        heap.removeLast()
        var i = 0
        while true {
            let l = 2 * i + 1, r = l + 1
            var m = i
            if l < heap.count && heap[l].0 < heap[m].0 { m = l }
            if r < heap.count && heap[r].0 < heap[m].0 { m = r }
            if m == i { return }
            heap.swapAt(i, m)
            i = m
        }
    }
}
