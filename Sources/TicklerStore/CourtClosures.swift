import TicklerCore

/// Days a court was closed (by order, weather, an outage), recorded with `tickler closure add`: not
/// holidays, but a last day falling on one moves to the next day the court is open (docs/courts.md). The
/// daemon reads them at each pass and re-plans the deadlines a change moves.
public protocol CourtClosures: Sendable {
    /// Every closure recorded, by court, each court's in date order.
    func courtClosures() async throws -> [String: [CourtClosure]]
    /// Records `closure` of `court`, replacing the reason and source of one on the same day; whether the day
    /// is new.
    func addCourtClosure(court: String, _ closure: CourtClosure, now: Instant) async throws -> Bool
    /// Removes the closure of `court` on `date`; whether there was one.
    func removeCourtClosure(court: String, date: LocalDate) async throws -> Bool
}
