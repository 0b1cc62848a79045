import TicklerCore

/// The consent ledger (`tickler_consents`): entries are only added, and the latest per contact, channel and
/// purpose is in force (`ConsentBook`). An entry already recorded (same contact, channel, purpose, time,
/// grant and source) is not added twice, so a re-imported file or a repeated keyword changes nothing.
public protocol ConsentLedger: Sendable {
    /// Every entry of these contacts, in the order recorded.
    func consents(of contactIDs: [String]) async throws -> [ConsentRecord]
    /// Adds `entries`, recorded at `now`; returns how many were new.
    @discardableResult
    func record(consents entries: [ConsentRecord], now: Instant) async throws -> Int
}

extension CaseStore {
    /// The contacts among `ids` that exist: rows of `contacts`, and the implicit contact (`CASEID.client`)
    /// of each case in the store, so a store from before contacts can record its clients' consent.
    public func existingContacts(among ids: Set<String>, alsoCases batchCases: Set<String> = []) async throws -> Set<String> {
        var found = try await existingIDs(table: "contacts", among: ids)
        var implicit: [String: String] = [:]
        for id in ids.subtracting(found) where id.hasSuffix(".client") && id.count > 7 { implicit[String(id.dropLast(7))] = id }
        for c in implicit.keys where batchCases.contains(c) { found.insert(implicit[c]!) }
        for c in try await existingIDs(table: "cases", among: Set(implicit.keys).subtracting(batchCases)) { found.insert(implicit[c]!) }
        return found
    }
}
