import TicklerCore
import TicklerStore

/// Pages of Clio records made into one import batch for the store's writer (which upserts by id, so the
/// change feed sees every row), with each record's version (its `updated_at`) and the records that could
/// not be mapped. A matter brings its client as the case's contact. Every row's source is the Tickler id of
/// the record it came from (`clio:matter:1001`, for the case and for its client's contact): the key of its
/// version, and how problems name it (by id, never by what the client wrote).
public struct ClioBatch: Sendable {
    public let mapping: ClioMapping
    public private(set) var batch = ImportBatch()
    /// Each record's `updated_at`, by its key.
    public private(set) var versions: [String: Instant] = [:]
    public private(set) var skipped: [ClioMapping.Skipped] = []

    public init(mapping: ClioMapping) { self.mapping = mapping }

    /// How many rows the batch holds.
    public var count: Int {
        batch.people.count + batch.cases.count + batch.contacts.count + batch.appointments.count + batch.deadlines.count
            + batch.communications.count
    }

    public mutating func add(users: [Clio.User]) {
        for u in users {
            guard let version = version(.user, u.id, u.updated_at) else { continue }
            switch mapping.person(u) {
            case .success(let p):
                batch.people.append(.init(source: p.id, record: p))
                versions[p.id] = version
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
                versions[caseID] = record.updatedAt
                guard let client = m.client, let matter = m.id else { continue }
                switch mapping.contact(client, matter: matter) {
                case .success(let k): batch.contacts.append(.init(source: caseID, caseID: caseID, record: k))
                case .failure(let why): skipped.append(why)
                }
            case .failure(let why):
                skipped.append(why)
            }
        }
    }

    /// Contacts related to matters other than as their clients: each a contact of its case that receives no
    /// client update (`ClioMapping.relationship`).
    public mutating func add(relationships: [Clio.Relationship]) {
        for r in relationships {
            guard let version = version(.relationship, r.id, r.updated_at) else { continue }
            switch mapping.relationship(r) {
            case .success(let m):
                let key = ClioID.of(.relationship, r.id ?? 0)
                batch.contacts.append(.init(source: key, caseID: m.caseID, record: m.contact))
                versions[key] = version
            case .failure(let why): skipped.append(why)
            }
        }
    }

    /// Contacts changed in Clio (a client's email or phone): each updates its rows on the cases it is the
    /// client of or related to (`rows`: the store's ids of those rows, `clio:contact:501:matter:1001`,
    /// `clio:contact:601:matter:1001:relationship:800`), a related one still receiving no client update. A
    /// contact with no row (on no synced matter) is not written.
    public mutating func add(contacts: [Clio.Contact], rows: [String]) {
        var byContact: [Int64: [(row: String, matter: Int64, related: Bool)]] = [:]
        for row in rows {
            let parts = row.split(separator: ":")
            guard parts.count == 5 || (parts.count == 7 && parts[5] == "relationship" && Int64(parts[6]) != nil),
                  parts[0] == "clio", parts[1] == "contact", parts[3] == "matter",
                  let contact = Int64(parts[2]), let matter = Int64(parts[4]) else { continue }
            byContact[contact, default: []].append((row, matter, parts.count == 7))
        }
        for k in contacts {
            guard let id = k.id, let rowsOfContact = byContact[id] else { continue }
            guard let version = version(.contact, id, k.updated_at) else { continue }
            let key = ClioID.of(.contact, id)
            switch mapping.contact(k, matter: rowsOfContact[0].matter) {
            case .success(let first):
                for row in rowsOfContact {
                    var c = first
                    c.id = row.row
                    if row.related { c.updatesEnabled = false }
                    batch.contacts.append(.init(source: key, caseID: ClioID.of(.matter, row.matter), record: c))
                }
                versions[key] = version
            case .failure(let why):
                skipped.append(why)
            }
        }
    }

    /// The prefixes of the rows of `contacts` (`clio:contact:501:`), for the store to find them.
    public static func rowPrefixes(_ contacts: [Clio.Contact]) -> [String] {
        contacts.compactMap { $0.id.map { ClioID.of(.contact, $0) + ":" } }
    }

    public mutating func add(calendarEntries: [Clio.CalendarEntry]) {
        for e in calendarEntries {
            guard let version = version(.calendarEntry, e.id, e.updated_at) else { continue }
            switch mapping.calendarEntry(e) {
            case .success(.appointment(let caseID, let a)):
                batch.appointments.append(.init(source: a.id, caseID: caseID, record: a))
                versions[a.id] = version
            case .success(.deadline(let caseID, let d)):
                batch.deadlines.append(.init(source: d.id, caseID: caseID, record: d))
                versions[d.id] = version
            case .failure(let why): skipped.append(why)
            }
        }
    }

    public mutating func add(tasks: [Clio.Task]) {
        for t in tasks {
            guard let version = version(.task, t.id, t.updated_at) else { continue }
            switch mapping.task(t) {
            case .success(let m):
                batch.deadlines.append(.init(source: m.deadline.id, caseID: m.caseID, record: m.deadline))
                versions[m.deadline.id] = version
            case .failure(let why): skipped.append(why)
            }
        }
    }

    public mutating func add(communications: [Clio.Communication]) {
        for c in communications {
            guard let version = version(.communication, c.id, c.updated_at) else { continue }
            switch mapping.communication(c) {
            case .success(let m):
                batch.communications.append(.init(source: m.communication.id, caseID: m.caseID, record: m.communication))
                versions[m.communication.id] = version
            case .failure(let why): skipped.append(why)
            }
        }
    }

    /// A record's `updated_at` as its version: `.some(nil)` when it has none (its rows are always written),
    /// nil when it is not a timestamp (the record is skipped: an unreadable version could undo a newer one).
    private mutating func version(_ model: ClioID.Model, _ id: Int64?, _ text: String?) -> Instant?? {
        guard let text else { return .some(nil) }
        guard let t = RFC3339.parse(text) else {
            skipped.append(ClioMapping.Skipped(model, id, "updated_at is not a timestamp"))
            return nil
        }
        return t
    }
}
