import TicklerCore

/// `tickler import`: all or nothing. Every problem (field errors from reading, duplicate ids, references
/// to people or cases that exist neither in the file nor in the store) is listed before anything is written.
public struct Importer {
    public let store: any CaseStore

    public init(store: any CaseStore) { self.store = store }

    public func run(_ batch: ImportBatch, readProblems: [ImportProblem], now: Instant) async throws -> Result<Int, ImportRejected> {
        var problems = readProblems
        problems += Self.duplicates(batch)
        problems += try await danglingReferences(batch)
        guard problems.isEmpty else { return .failure(ImportRejected(problems: problems)) }
        try await store.write(batch, now: now)
        return .success(batch.recordCount)
    }

    static func duplicates(_ batch: ImportBatch) -> [ImportProblem] {
        var problems: [ImportProblem] = []
        func check(_ items: [(id: String, source: String)], _ what: String) {
            var first: [String: String] = [:]
            for item in items {
                if let f = first[item.id] {
                    problems.append(ImportProblem(path: item.source, message: "duplicate \(what) id (first at \(f))"))
                } else { first[item.id] = item.source }
            }
        }
        check(batch.people.map { ($0.record.id, $0.source) }, "person")
        check(batch.cases.map { ($0.record.fields.id, $0.source) }, "case")
        check(batch.communications.map { ($0.record.id, $0.source) }, "communication")
        check(batch.deadlines.map { ($0.record.id, $0.source) }, "deadline")
        check(batch.documentRequests.map { ($0.record.id, $0.source) }, "document request")
        check(batch.appointments.map { ($0.record.id, $0.source) }, "appointment")
        check(batch.events.map { ($0.record.id, $0.source) }, "event")
        check(batch.contacts.map { ($0.record.id, $0.source) }, "contact")
        return problems
    }

    private func danglingReferences(_ batch: ImportBatch) async throws -> [ImportProblem] {
        var problems: [ImportProblem] = []
        let batchPeople = Set(batch.people.map(\.record.id))
        var personRefs: [(id: String, path: String)] = []
        for p in batch.people { if let m = p.record.managerID { personRefs.append((m, p.source + ".manager_id")) } }
        for c in batch.cases {
            if let a = c.record.fields.assigneeID { personRefs.append((a, c.source + ".assignee_id")) }
            if let a = c.record.fields.attorneyID { personRefs.append((a, c.source + ".attorney_id")) }
        }
        let missingPeople = Set(personRefs.map(\.id)).subtracting(batchPeople)
        let storedPeople = try await store.existingIDs(table: "people", among: missingPeople)
        for ref in personRefs where !batchPeople.contains(ref.id) && !storedPeople.contains(ref.id) {
            problems.append(ImportProblem(path: ref.path, message: "refers to a person who is neither in the file nor in the store"))
        }
        let batchCases = Set(batch.cases.map(\.record.fields.id))
        var caseRefs: [(id: String, path: String)] = []
        caseRefs += batch.communications.map { ($0.caseID, $0.source) }
        caseRefs += batch.deadlines.map { ($0.caseID, $0.source) }
        caseRefs += batch.documentRequests.map { ($0.caseID, $0.source) }
        caseRefs += batch.appointments.map { ($0.caseID, $0.source) }
        caseRefs += batch.events.map { ($0.caseID, $0.source) }
        caseRefs += batch.contacts.map { ($0.caseID, $0.source) }
        let missingCases = Set(caseRefs.map(\.id)).subtracting(batchCases)
        let storedCases = try await store.existingIDs(table: "cases", among: missingCases)
        for ref in caseRefs where !batchCases.contains(ref.id) && !storedCases.contains(ref.id) {
            problems.append(ImportProblem(path: ref.path + ".case_id", message: "refers to a case that is neither in the file nor in the store"))
        }
        let batchContacts = Set(batch.contacts.map(\.record.id))
        let missingContacts = Set(batch.consents.map(\.record.contactID)).subtracting(batchContacts)
        let storedContacts = try await store.existingContacts(among: missingContacts, alsoCases: batchCases)
        for c in batch.consents where !batchContacts.contains(c.record.contactID) && !storedContacts.contains(c.record.contactID) {
            problems.append(ImportProblem(path: c.source + ".contact_id", message: "refers to a contact that is neither in the file nor in the store"))
        }
        return problems
    }
}
