import Foundation

/// Reads entries back from the real journald with `journalctl -o json`, waiting briefly for them to
/// arrive. For tests: journald is asked, not mocked.
public enum JournalQuery {
    /// Entries matching every `FIELD=value` in `matches`; empty when none arrived within five seconds.
    public static func entries(_ matches: [String]) throws -> [[String: Any]] {
        for _ in 0..<50 {
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
}
