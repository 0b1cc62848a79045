import TicklerStore

/// Which skipped rows to journal: each bad row once while it stays bad, not at every tick or rescan that
/// reads it again. A row that reads well again (or is gone) is forgotten, so if it goes bad later it is
/// journaled again.
struct BadRowLog {
    private var known = Set<BadRow>()

    /// The rows of `read` not journaled before. `caseIDs` are the cases that read covered (nil: the whole
    /// firm); rows of those cases that were bad and are no longer reported are forgotten.
    mutating func report(_ read: [BadRow], caseIDs: Set<String>?) -> [BadRow] {
        let current = Set(read)
        if let caseIDs {
            known = known.filter { current.contains($0) || !caseIDs.contains($0.caseID) }
        } else {
            known = known.intersection(current)
        }
        var fresh: [BadRow] = []
        for row in read where known.insert(row).inserted { fresh.append(row) }
        return fresh
    }
}
