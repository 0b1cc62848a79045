import Foundation

/// Runs every file of a corpus directory through a target: how the seeds and every input a fuzzer once
/// found are kept passing (`swift test` and `tickler-fuzz --replay`).
public enum SeedReplay {
    /// The findings, each with the file that produced it.
    public static func run(_ target: FuzzTarget, directory: String) async -> (inputs: Int, findings: [String]) {
        let files = ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []).sorted()
        var findings: [String] = []
        var inputs = 0
        for name in files where !name.hasPrefix(".") {
            guard let data = FileManager.default.contents(atPath: directory + "/" + name) else { continue }
            inputs += 1
            do { try await target.run(Array(data)) } catch { findings.append("\(name): \(error)") }
        }
        return (inputs, findings)
    }
}
