import Foundation

/// Reads entries back from the real journald with `journalctl -o json`, once journald has written what it
/// was sent. For tests: journald is asked, not mocked.
public enum JournalQuery {
    /// Entries matching every `FIELD=value` in `matches`, once journald has written everything sent
    /// before the call (`sync`); empty when none arrived within ten seconds.
    public static func entries(_ matches: [String]) throws -> [[String: Any]] {
        let end = Date().addingTimeInterval(10)
        repeat {
            try sync()
            let found = try json(matches)
            if !found.isEmpty { return found }
            Thread.sleep(forTimeInterval: 0.1)
        } while Date() < end
        return []
    }

    /// Waits until journald has written every entry it was sent before this call (`journalctl --sync`).
    public static func sync() throws {
        _ = try journalctl(["--sync"])
    }

    /// The values of `field` in every entry matching `matches` (journalctl ORs matches on the same field,
    /// ANDs different fields), read once after `sync()`: for counting thousands of entries.
    public static func values(of field: String, _ matches: [String]) throws -> [String] {
        try sync()
        return try json(["--output-fields=\(field)"] + matches).compactMap { $0[field] as? String }
    }

    /// When this test process started (the kernel's count, to 10 ms): the journal keeps earlier runs, whose
    /// daemons may have had the same pids and written the same fire ids, so only later entries are read.
    static let processStart: String = {
        let stat = (try? String(contentsOfFile: "/proc/self/stat", encoding: .utf8)) ?? ""
        let boot = ((try? String(contentsOfFile: "/proc/stat", encoding: .utf8)) ?? "").split(separator: "\n")
            .first { $0.hasPrefix("btime ") }.flatMap { Double($0.dropFirst(6)) }
        // Field 22 (starttime, in clock ticks since boot), counted after the command name's closing parenthesis.
        let fields = stat.split(separator: ")").last?.split(separator: " ") ?? []
        guard let boot, fields.count > 19, let ticks = Double(fields[19]) else { return "@0" }
        return "@" + String(format: "%.2f", boot + ticks / Double(sysconf(Int32(_SC_CLK_TCK))) - 0.01)
    }()

    /// The entries `journalctl -o json` prints with `arguments`, written since this process started.
    private static func json(_ arguments: [String]) throws -> [[String: Any]] {
        let data = try journalctl(["-o", "json", "--no-pager", "--all", "--since", processStart] + arguments)
        return String(decoding: data, as: UTF8.self).split(separator: "\n")
            .compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
    }

    /// What journalctl prints on standard output.
    private static func journalctl(_ arguments: [String]) throws -> Data {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/journalctl")
        p.arguments = arguments
        let out = Pipe()
        p.standardOutput = out
        p.standardError = Pipe()
        try p.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return data
    }
}
