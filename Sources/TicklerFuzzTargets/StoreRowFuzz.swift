import Foundation
import GRDB
import Synchronization
import TicklerCore
import TicklerStore

/// Rows of every case table made from fuzz bytes (NULLs, integers, reals, texts that are not UTF-8,
/// blobs, huge and plausible values), written as an integration might and read back by the store: the
/// reader must skip what it cannot read, never trap.
final class StoreRowFuzz: Sendable {
    static let shared = StoreRowFuzz()

    private let store: SQLiteCaseStore
    private let writer: DatabaseQueue
    /// Each case table with its columns, in the order of the schema.
    private let tables: [(name: String, columns: [String])]

    private init() {
        // In memory when the system has a tmpfs: every input commits, and a disk's fsync would be most of it.
        let directory = FileManager.default.fileExists(atPath: "/dev/shm") ? "/dev/shm" : NSTemporaryDirectory()
        let path = directory + "/tickler-fuzz-\(getpid()).db"
        for suffix in ["", "-wal", "-shm"] { unlink(path + suffix) }
        do {
            store = try SQLiteCaseStore(path: path, create: true)
            writer = try DatabaseQueue(path: path)
            tables = try writer.read { db in
                try ImportReader.csvTables.map { table in
                    (table, try Row.fetchAll(db, sql: "PRAGMA table_info(\(table))").compactMap { $0["name"] as String? })
                }
            }
        } catch {
            fatalError("the fuzz store cannot be made: \(error)")
        }
    }

    func run(_ bytes: [UInt8]) async throws(FuzzFinding) {
        let tables = self.tables
        do {
            try await writer.write { db in
                var input = FuzzInput(bytes)
                for (table, _) in tables { try db.execute(sql: "DELETE FROM \(table)") }
                try db.execute(sql: "DELETE FROM tickler_changes")
                while !input.isEmpty {
                    let (table, columns) = tables[Int(input.byte()) % tables.count]
                    var values: [(any DatabaseValueConvertible)?] = []
                    var marks: [String] = []
                    for column in columns {
                        let (mark, value) = input.value(for: column)
                        marks.append(mark)
                        values.append(value)
                    }
                    try db.execute(sql: """
                        INSERT OR IGNORE INTO \(table) (\(columns.joined(separator: ", "))) VALUES (\(marks.joined(separator: ", ")))
                        """, arguments: StatementArguments(values))
                }
            }
        } catch {
            return  // the bytes made no row SQLite would take: nothing to read
        }
        let full: StoreSnapshot, some: StoreSnapshot
        do {
            full = try await store.snapshot(caseIDs: nil, detail: .full, people: true)
            some = try await store.snapshot(caseIDs: ["c1", "\u{0}"], detail: .evaluation, people: false)
            _ = try await store.changes(after: 0)
        } catch {
            throw FuzzFinding("reading the rows failed instead of skipping them: \(error)")
        }
        for bad in full.badRows + some.badRows where bad.table.isEmpty || bad.problem.isEmpty {
            throw FuzzFinding("a bad row reported without its table or problem: \(bad)")
        }
    }
}

/// Runs async work to its end from synchronous code that is not on a task's thread (libFuzzer's callback,
/// on the main thread): never call it from a task, whose thread it would hold.
public enum Blocking {
    public static func run<T: Sendable>(_ body: @escaping @Sendable () async -> T) -> T {
        let result = Mutex<T?>(nil)
        let done = DispatchSemaphore(value: 0)
        Task {
            let value = await body()
            result.withLock { $0 = value }
            done.signal()
        }
        done.wait()
        return result.withLock { $0! }
    }
}

/// Fuzz bytes read as a sequence of choices.
struct FuzzInput {
    private var bytes: ArraySlice<UInt8>
    private var hugeLeft = true
    private static let huge = String(repeating: "x", count: 255 * 4096)

    init(_ bytes: [UInt8]) { self.bytes = bytes[...] }

    var isEmpty: Bool { bytes.isEmpty }

    mutating func byte() -> UInt8 { bytes.popFirst() ?? 0 }

    mutating func take(_ n: Int) -> [UInt8] {
        let out = Array(bytes.prefix(n))
        bytes = bytes.dropFirst(n)
        return out
    }

    /// One column's placeholder and value: the tag byte chooses its kind.
    mutating func value(for column: String) -> (String, (any DatabaseValueConvertible)?) {
        let tag = byte()
        switch tag % 8 {
        case 0: return ("?", nil)
        case 1: return ("?", Int64(bitPattern: take(8).reduce(UInt64(0)) { $0 << 8 | UInt64($1) }))
        case 2: return ("?", Double(bitPattern: take(8).reduce(UInt64(0)) { $0 << 8 | UInt64($1) }))
        // Bytes stored as TEXT, UTF-8 or not, as a careless writer's would be.
        case 3: return ("CAST(? AS TEXT)", Data(take(Int(byte()) % 64)))
        case 4: return ("?", Data(take(Int(byte()) % 64)))
        case 5:  // one value of up to a megabyte per input (more would only measure copying)
            let size = hugeLeft ? Int(byte()) * 4096 : Int(byte())
            hugeLeft = false
            return ("?", String(Self.huge.utf8.prefix(size))!)
        default: return ("?", plausible(column, tag))
        }
    }

    /// A value of the column's own kind, so rows often read well and their neighbours are reached.
    private mutating func plausible(_ column: String, _ tag: UInt8) -> any DatabaseValueConvertible {
        if column == "id" || column.hasSuffix("_id") { return ["c1", "p1", "x1", "c2"][Int(tag / 8) % 4] }
        if column.hasSuffix("_at") {
            let times = ["2026-09-01T16:00:00Z", "2026-02-30T00:00:00Z", "99999-01-01T00:00:00Z", "2026-03-08T10:30:00Z", ""]
            return times[Int(tag / 8) % times.count]
        }
        switch column {
        case "status": return ["open", "closed", "pending", "Open", ""][Int(tag / 8) % 5]
        case "direction": return ["inbound", "outbound", "sideways"][Int(tag / 8) % 3]
        case "tags": return ["[]", "[\"a\"]", "[1]", "{", "[\"\\u0000\"]"][Int(tag / 8) % 5]
        case "active", "with_client", "cancelled": return Int(tag / 8) % 3
        default: return String(decoding: take(Int(byte()) % 16), as: UTF8.self)
        }
    }
}
