/// The daemon's health as it last wrote it (last tick, its duration, version, configuration), which
/// `tickler status` reads even when the daemon is down.
public protocol HealthRecord: Sendable {
    func saveHealth(_ values: [String: String]) async throws
    func health() async throws -> [String: String]
}
