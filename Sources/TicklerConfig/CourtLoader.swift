import Foundation
import Synchronization
import TicklerCore
import Yams

/// A court as a data file (`config/courts/COURT.yaml`, docs/courts.md):
///
/// ```yaml
/// id: us-sdny
/// name: "United States District Court for the Southern District of New York"
/// method: frcp-6a                  # frcp-6a, frap-26a, frbp-9006a, ca-ccp, ny-gcl, tx-trcp
/// timezone: America/New_York
/// holidays: [us-federal]           # holiday files (holidays/NAME.yaml): the court's legal holidays
/// state_holidays: [ny-public]      # the state's holidays: a federal rule counts them forward only
/// closures: closures/us-sdny.ics   # optional: an iCalendar file of days the court was closed
/// citation: "Fed. R. Civ. P. 6(a); 28 U.S.C. § 112(b)"
/// ```
///
/// Every mistake is reported as `FILE:LINE:COL: error: …`.
public enum CourtLoader {
    static let keys = ["id", "name", "method", "timezone", "holidays", "state_holidays", "closures", "citation"]

    /// Reads the court at `path`; `holidays` finds a holiday file by name (nil: there is none).
    public static func load(path: String, holidays: (String) throws(ConfigurationError) -> HolidayRules?) throws(ConfigurationError) -> Court {
        let reader = NodeReader(file: path)
        guard let root = try DataFile.root(try DataFile.text(path), path: path),
              let f = reader.mapping(root, "a court", allowed: keys, required: ["id", "method", "timezone", "holidays"])
        else { throw DataFile.notAMapping(path, reader) }
        let id = f["id"].flatMap { reader.string($0, "id") } ?? ""
        let stem = URL(fileURLWithPath: path).deletingPathExtension().lastPathComponent
        if let n = f["id"], !id.isEmpty, id != stem { reader.error(n, "id '\(id)' must be the file's name without .yaml ('\(stem)')") }
        var method = CountingMethod.frcp6a
        if let n = f["method"], let text = reader.string(n, "method") {
            if let m = CountingMethod(rawValue: text) { method = m } else {
                reader.error(n, "method '\(text)' must be one of \(CountingMethod.allCases.map(\.rawValue).joined(separator: ", "))")
            }
        }
        var zone = ZoneRules.utc
        if let n = f["timezone"], let text = reader.string(n, "timezone") {
            if let z = ZoneRules(identifier: text) { zone = z } else { reader.error(n, "unknown time zone '\(text)'") }
        }
        var diagnostics: [Diagnostic] = []
        func holidayList(_ key: String) -> [HolidayRules] {
            guard let n = f[key], let items = reader.sequence(n, key) else { return [] }
            var out: [HolidayRules] = []
            for item in items {
                guard let name = reader.string(item, key) else { continue }
                do {
                    if let rules = try holidays(name) { out.append(rules) } else { reader.error(item, "no holiday file '\(name)' (holidays/\(name).yaml)") }
                } catch {
                    diagnostics += error.diagnostics
                }
            }
            return out
        }
        let legal = holidayList("holidays")
        let state = holidayList("state_holidays")
        var closures: [CourtClosure] = []
        if let n = f["closures"], let file = reader.string(n, "closures") {
            let full = file.hasPrefix("/") ? file : URL(fileURLWithPath: path).deletingLastPathComponent().appendingPathComponent(file).path
            if let text = try? String(contentsOfFile: full, encoding: .utf8) {
                switch ICalendarHolidays.parse(text) {
                case .success(let days):
                    closures = days.map { CourtClosure(date: $0.0, reason: $0.1.name, source: file) }
                case .failure(let problem):
                    diagnostics.append(Diagnostic(file: full, line: problem.line, column: 1, message: problem.message))
                }
            } else {
                reader.error(n, "cannot read the closure calendar '\(file)'")
            }
        }
        let name = f["name"].flatMap { reader.string($0, "name") } ?? id
        let citation = f["citation"].flatMap { reader.string($0, "citation") } ?? ""
        diagnostics = reader.diagnostics + diagnostics
        if !diagnostics.isEmpty { throw ConfigurationError(diagnostics: diagnostics) }
        return Court(id: id, name: name, method: method, zone: zone, holidays: legal, stateHolidays: state, closures: closures, citation: citation)
    }
}

/// The courts Tickler knows: the firm's own directory (the configuration's `courts:`) before the ones
/// shipped with Tickler (`share/tickler/courts` beside the executables, or `config/courts` of a build
/// tree). A court or holiday file of the firm's replaces the shipped one of the same name.
public struct CourtLibrary: Sendable {
    public let directories: [String]

    public init(directories: [String]) { self.directories = directories }

    /// The shipped courts' directory, found from the running executable.
    public static var shippedDirectory: String? {
        let exe = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
        var candidates = [exe.deletingLastPathComponent().appendingPathComponent("share/tickler/courts").path]
        var dir = exe
        for _ in 0..<6 {
            candidates.append(dir.appendingPathComponent("config/courts").path)
            dir = dir.deletingLastPathComponent()
        }
        candidates += ["/usr/share/tickler/courts", "/usr/local/share/tickler/courts"]
        return candidates.first { FileManager.default.fileExists(atPath: $0 + "/holidays") }
    }

    /// The firm's directory (if any) and then the shipped one.
    public static func standard(firm: String?) -> CourtLibrary {
        CourtLibrary(directories: [firm, shippedDirectory].compactMap { $0 })
    }

    /// Every court id, sorted.
    public var courtIDs: [String] {
        var ids = Set<String>()
        for d in directories {
            for f in (try? FileManager.default.contentsOfDirectory(atPath: d)) ?? [] where f.hasSuffix(".yaml") {
                ids.insert(String(f.dropLast(5)))
            }
        }
        return ids.sorted()
    }

    /// The court `id`, or nil when no directory has it.
    public func court(_ id: String) throws(ConfigurationError) -> Court? {
        guard id.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" }),
              let path = directories.map({ "\($0)/\(id).yaml" }).first(where: { FileManager.default.fileExists(atPath: $0) })
        else { return nil }
        return try CourtLoader.load(path: path) { (name: String) throws(ConfigurationError) -> HolidayRules? in try holidays(name) }
    }

    /// The holiday file `name`, or nil.
    public func holidays(_ name: String) throws(ConfigurationError) -> HolidayRules? {
        guard name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" }),
              let path = directories.map({ "\($0)/holidays/\(name).yaml" }).first(where: { FileManager.default.fileExists(atPath: $0) })
        else { return nil }
        return try HolidayRulesLoader.load(path: path)
    }

    /// The problems of every court and holiday file in `directory` (all of them when nil), for `check-config`.
    public func check(in directory: String? = nil) -> [Diagnostic] {
        var out: [Diagnostic] = []
        let dirs = directory.map { [$0] } ?? directories
        for d in dirs {
            for f in ((try? FileManager.default.contentsOfDirectory(atPath: d)) ?? []).sorted() where f.hasSuffix(".yaml") {
                do { _ = try court(String(f.dropLast(5))) } catch { out += error.diagnostics }
            }
            for f in ((try? FileManager.default.contentsOfDirectory(atPath: d + "/holidays")) ?? []).sorted() where f.hasSuffix(".yaml") {
                do { _ = try HolidayRulesLoader.load(path: d + "/holidays/" + f) } catch { out += error.diagnostics }
            }
        }
        return out
    }
}

/// Courts by id, each loaded and made ready to count once, for the configuration's deadline rules (a case
/// may name any court of the library).
public final class CourtResolver: CourtSource {
    public let library: CourtLibrary
    /// Closures recorded in the store (`tickler closure add`), by court, joining each court file's own.
    public let closures: [String: [CourtClosure]]
    private let cache = Mutex<[String: CourtRules?]>([:])

    public init(_ library: CourtLibrary, closures: [String: [CourtClosure]] = [:]) {
        self.library = library
        self.closures = closures
    }

    /// The court `id` (nil: unknown, or its file is broken — `check-config` reports that).
    public func rules(_ id: String) -> CourtRules? {
        if let hit = cache.withLock({ $0[id] }) { return hit }
        let loaded = (try? library.court(id)).flatMap { $0 }.map { court -> CourtRules in
            var court = court
            court.closures += closures[id] ?? []
            return CourtRules(court)
        }
        cache.withLock { $0[id] = loaded }
        return loaded
    }
}
