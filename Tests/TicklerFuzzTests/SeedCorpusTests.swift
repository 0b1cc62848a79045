import Foundation
import Testing
import TicklerConfig
import TicklerStore
@testable import TicklerFuzzTargets

/// Every seed of fuzz/corpus, and every input a fuzzer found and that was fixed, keeps passing its target.
@Suite struct SeedCorpusTests {
    static let corpus = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("fuzz/corpus").path

    @Test(arguments: FuzzTarget.allCases)
    func everySeedPassesItsTarget(_ target: FuzzTarget) async {
        let (inputs, findings) = await SeedReplay.run(target, directory: Self.corpus + "/" + target.rawValue)
        #expect(inputs >= 5, "the \(target.rawValue) corpus has \(inputs) seeds")
        #expect(findings.isEmpty, "\(findings)")
    }

    /// The promises are checked: an unlocated error is a finding, not a pass.
    @Test func anUnlocatedErrorIsAFinding() {
        #expect(throws: FuzzFinding.self) {
            try FuzzTarget.locatedDiagnostics(ConfigurationError(diagnostics: [Diagnostic(file: "fuzz.yaml", line: 0, column: 3, message: "m")]))
        }
        #expect(throws: FuzzFinding.self) {
            try FuzzTarget.locatedImportProblems([ImportProblem(path: "elsewhere", message: "m")], file: "fuzz.json")
        }
        #expect(throws: FuzzFinding.self) { try FuzzTarget.locatedDiagnostics(ConfigurationError(diagnostics: [])) }
    }
}
