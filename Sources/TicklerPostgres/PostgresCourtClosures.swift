import PostgresNIO
import TicklerCore
import TicklerStore

/// Court closures on PostgreSQL (migration v9-court-closures).
extension PostgresCaseStore: CourtClosures {
    public func courtClosures() async throws -> [String: [CourtClosure]] {
        var out: [String: [CourtClosure]] = [:]
        for r in try await rows("SELECT court, to_char(day, 'YYYY-MM-DD'), reason, source FROM tickler_court_closures ORDER BY court, day") {
            guard let (court, day, reason, source) = try? r.decode((String, String, String, String).self),
                  let date = LocalDate(iso8601: day) else { continue }
            out[court, default: []].append(CourtClosure(date: date, reason: reason, source: source))
        }
        return out
    }

    public func addCourtClosure(court: String, _ closure: CourtClosure, now: Instant) async throws -> Bool {
        let day = closure.date.iso8601
        return try await transaction { c in
            let rows = try await c.run("""
                INSERT INTO tickler_court_closures (court, day, reason, source, recorded_at)
                VALUES (\(court), \(day)::date, \(closure.reason), \(closure.source), \(now.date))
                ON CONFLICT (court, day) DO UPDATE SET reason = excluded.reason, source = excluded.source, recorded_at = excluded.recorded_at
                RETURNING (xmax = 0)
                """, logger: Self.logger).collect()
            return (try? rows.first?.decode(Bool.self)) ?? false
        }
    }

    public func removeCourtClosure(court: String, date: LocalDate) async throws -> Bool {
        let day = date.iso8601
        return try await transaction { c in
            try await c.run("DELETE FROM tickler_court_closures WHERE court = \(court) AND day = \(day)::date RETURNING 1",
                            logger: Self.logger).collect().count > 0
        }
    }
}
