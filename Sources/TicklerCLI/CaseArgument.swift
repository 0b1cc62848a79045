import TicklerStore

/// A case named on the command line by its id or by its number, as staff know it: the id when one case
/// has it, else the one case with that number. Unknown or ambiguous is an error (exit 1) that says which.
enum CaseArgument {
    static func resolve(_ argument: String, in store: any CaseStore) async throws -> String {
        if try await !store.existingIDs(table: "cases", among: [argument]).isEmpty { return argument }
        let numbered = try await store.caseIDs(number: argument)
        switch numbered.count {
        case 1: return numbered[0]
        case 0: throw CommandFailure.invalid("error: no case '\(argument)' in the store (by id or number)")
        default: throw CommandFailure.invalid("error: case number '\(argument)' names \(numbered.count) cases: "
                                                  + numbered.joined(separator: ", ") + "; give its id")
        }
    }
}

extension Optional {
    func asyncMap<T>(_ f: (Wrapped) async throws -> T) async rethrows -> T? {
        guard let v = self else { return nil }
        return try await f(v)
    }
}
