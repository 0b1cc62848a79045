/// A member of the firm's staff who can receive reminders.
public struct Person: Sendable, Equatable {
    public var id: String
    public var name: String
    public var email: String?
    public var role: String?
    public var managerID: String?
    public var active: Bool
    /// A direct line (E.164) a client message may give, for the case's assignee.
    public var phone: String?

    public init(id: String, name: String = "", email: String? = nil, role: String? = nil, managerID: String? = nil,
                active: Bool = true, phone: String? = nil) {
        self.id = id
        self.name = name
        self.email = email
        self.role = role
        self.managerID = managerID
        self.active = active
        self.phone = phone
    }
}

/// The firm's people, indexed for recipient resolution.
public struct Staff: Sendable {
    public let people: [String: Person]
    private let byRole: [String: [String]]

    public init(_ people: [Person]) {
        var index: [String: Person] = [:]
        var roles: [String: [String]] = [:]
        for p in people {
            index[p.id] = p
            if p.active, let r = p.role { roles[r, default: []].append(p.id) }
        }
        self.people = index
        self.byRole = roles.mapValues { $0.sorted() }
    }

    public static let empty = Staff([])

    /// Active people holding `role`, by id.
    public func members(of role: String) -> [String] { byRole[role] ?? [] }

    /// The person who receives what is addressed to `id`: that person if active, else the nearest active
    /// manager above them; nil when nobody active is left. An id not in the directory is kept as is.
    public func reachable(_ id: String) -> String? {
        var current = id
        for _ in 0..<16 {
            guard let p = people[current] else { return current == id ? id : nil }
            if p.active { return current }
            guard let m = p.managerID else { return nil }
            current = m
        }
        return nil
    }
}
