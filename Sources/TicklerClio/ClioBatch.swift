import TicklerCore
import TicklerStore

/// Pages of Clio records made into one import batch for the store's writer (which upserts by id, so the
/// change feed sees every row), with the records that could not be mapped. A matter brings its client as
/// the case's contact. Each row's source is its Tickler id (`clio:matter:1001`): problems name records by
/// id, never by what the client wrote.
public struct ClioBatch: Sendable {
    public let mapping: ClioMapping
    public private(set) var batch = ImportBatch()
    public private(set) var skipped: [ClioMapping.Skipped] = []

    public init(mapping: ClioMapping) { self.mapping = mapping }

    /// How many rows the batch holds.
    public var count: Int {
        batch.people.count + batch.cases.count + batch.contacts.count + batch.appointments.count + batch.deadlines.count
            + batch.communications.count
    }

    public mutating func add(users: [Clio.User]) {
        for u in users {
            switch mapping.person(u) {
            case .success(let p): batch.people.append(.init(source: p.id, record: p))
            case .failure(let why): skipped.append(why)
            }
        }
    }

    public mutating func add(matters: [Clio.Matter]) {
        for m in matters {
            switch mapping.matter(m) {
            case .success(let record):
                let caseID = record.fields.id
                batch.cases.append(.init(source: caseID, record: record))
                guard let client = m.client else { continue }
                switch mapping.contact(client) {
                case .success(let k): batch.contacts.append(.init(source: k.id, caseID: caseID, record: k))
                case .failure(let why): skipped.append(why)
                }
            case .failure(let why):
                skipped.append(why)
            }
        }
    }

    public mutating func add(calendarEntries: [Clio.CalendarEntry]) {
        for e in calendarEntries {
            switch mapping.calendarEntry(e) {
            case .success(.appointment(let caseID, let a)): batch.appointments.append(.init(source: a.id, caseID: caseID, record: a))
            case .success(.deadline(let caseID, let d)): batch.deadlines.append(.init(source: d.id, caseID: caseID, record: d))
            case .failure(let why): skipped.append(why)
            }
        }
    }

    public mutating func add(tasks: [Clio.Task]) {
        for t in tasks {
            switch mapping.task(t) {
            case .success(let m): batch.deadlines.append(.init(source: m.deadline.id, caseID: m.caseID, record: m.deadline))
            case .failure(let why): skipped.append(why)
            }
        }
    }

    public mutating func add(communications: [Clio.Communication]) {
        for c in communications {
            switch mapping.communication(c) {
            case .success(let m): batch.communications.append(.init(source: m.communication.id, caseID: m.caseID, record: m.communication))
            case .failure(let why): skipped.append(why)
            }
        }
    }
}
