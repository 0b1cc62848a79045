import GRDB
import TicklerCore

/// Court closures on SQLite (migration v19-court-closures).
extension SQLiteCaseStore: CourtClosures {
    public func courtClosures() async throws -> [String: [CourtClosure]] {
        try await readTransaction { db in
            var out: [String: [CourtClosure]] = [:]
            for r in try Row.fetchAll(db, sql: "SELECT court, day, reason, source FROM tickler_court_closures ORDER BY court, day") {
                guard let court = r.text(0), let day = r.text(1).flatMap(LocalDate.init(iso8601:)) else { continue }
                out[court, default: []].append(CourtClosure(date: day, reason: r.text(2) ?? "", source: r.text(3) ?? ""))
            }
            return out
        }
    }

    public func addCourtClosure(court: String, _ closure: CourtClosure, now: Instant) async throws -> Bool {
        try await write { db in
            let existed = try Row.fetchOne(db, sql: "SELECT 1 FROM tickler_court_closures WHERE court = ? AND day = ?",
                                           arguments: [court, closure.date.iso8601]) != nil
            try db.execute(sql: """
                INSERT INTO tickler_court_closures (court, day, reason, source, recorded_at) VALUES (?, ?, ?, ?, ?)
                ON CONFLICT (court, day) DO UPDATE SET reason = excluded.reason, source = excluded.source, recorded_at = excluded.recorded_at
                """, arguments: [court, closure.date.iso8601, closure.reason, closure.source, now.rfc3339])
            return !existed
        }
    }

    public func removeCourtClosure(court: String, date: LocalDate) async throws -> Bool {
        try await write { db in
            try db.execute(sql: "DELETE FROM tickler_court_closures WHERE court = ? AND day = ?", arguments: [court, date.iso8601])
            return db.changesCount > 0
        }
    }
}
