import Foundation

/// Reads entries back from the real journald with `journalctl -o json`, waiting briefly for them to
/// arrive. For tests: journald is asked, not mocked.
public enum JournalQuery {
    /// Entries matching every `FIELD=value` in `matches`, once journald has written everything sent
    /// before the call (`sync`); empty when none arrived within five seconds.
    public static func entries(_ matches: [String]) throws -> [[String: Any]] {
        for _ in 0..<50 {
            try sync()
            let p = Process()
            p.executableURL = URL(fileURLWithPath: "/usr/bin/journalctl")
            p.arguments = ["-o", "json", "--no-pager", "--all"] + matches
            let out = Pipe()
            p.standardOutput = out
            p.standardError = Pipe()
            try p.run()
            let data = out.fileHandleForReading.readDataToEndOfFile()
            p.waitUntilExit()
            let found = String(decoding: data, as: UTF8.self).split(separator: "\n")
                .compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
            if !found.isEmpty { return found }
            Thread.sleep(forTimeInterval: 0.1)
        }
        return []
    }

    /// Waits until journald has written every entry it was sent before this call (`journalctl --sync`).
    public static func sync() throws {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/journalctl")
        p.arguments = ["--sync"]
        p.standardOutput = Pipe()
        p.standardError = Pipe()
        try p.run()
        p.waitUntilExit()
    }

    /// The values of `field` in every entry matching `matches` (journalctl ORs matches on the same field,
    /// ANDs different fields), read once after `sync()`: for counting thousands of entries.
    public static func values(of field: String, _ matches: [String]) throws -> [String] {
        try sync()
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/journalctl")
        p.arguments = ["-o", "json", "--no-pager", "--all", "--output-fields=\(field)"] + matches
        let out = Pipe()
        p.standardOutput = out
        p.standardError = Pipe()
        try p.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return String(decoding: data, as: UTF8.self).split(separator: "\n").compactMap {
            (try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])?[field] as? String
        }
    }
}
