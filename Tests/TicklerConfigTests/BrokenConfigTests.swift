import Foundation
import Testing
@testable import TicklerConfig

/// Each `Fixtures/broken/NAME.yaml` must fail with exactly the diagnostics listed in `NAME.expect`,
/// one per line as `LINE:COL: message` (the message may be a prefix) or `OTHERFILE:LINE:COL: message`
/// for an error located in a file the configuration refers to.
@Suite struct BrokenConfigTests {
    static let directory = Bundle.module.url(forResource: "Fixtures", withExtension: nil)!.appendingPathComponent("broken")

    static let names: [String] = {
        let files = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        return files.filter { $0.hasSuffix(".yaml") }.map { String($0.dropLast(5)) }.sorted()
    }()

    @Test func corpusHasAtLeastThirtyConfigs() {
        #expect(Self.names.count >= 30)
    }

    @Test(arguments: names) func reportsTheExpectedLocatedErrors(name: String) throws {
        let path = Self.directory.appendingPathComponent(name + ".yaml").path
        let expected = try String(contentsOfFile: Self.directory.appendingPathComponent(name + ".expect").path, encoding: .utf8)
            .split(separator: "\n").map(String.init)
        do {
            _ = try ConfigurationLoader.load(path: path)
            Issue.record("\(name) loaded without errors")
        } catch {
            let got = error.diagnostics
            #expect(got.count == expected.count, "\(name): got \(error.description)")
            for (want, have) in zip(expected, got) {
                let parts = want.split(separator: ":", maxSplits: 2, omittingEmptySubsequences: false)
                var file = path, line = 0, col = 0, message = ""
                if let l = Int(parts[0]) {
                    line = l
                    col = Int(parts[1]) ?? -1
                    message = String(parts[2]).trimmingCharacters(in: .whitespaces)
                } else {
                    let rest = parts[2].split(separator: ":", maxSplits: 1)
                    file = Self.directory.appendingPathComponent(String(parts[0])).path
                    line = Int(parts[1]) ?? -1
                    col = Int(rest[0]) ?? -1
                    message = String(rest[1]).trimmingCharacters(in: .whitespaces)
                }
                #expect(have.file == file && have.line == line && have.column == col && have.message.hasPrefix(message),
                        "\(name): wanted \(want), got \(have)")
                #expect(have.description.hasPrefix("\(have.file):\(have.line):\(have.column): error: "))
            }
        }
    }

    @Test func noDiagnosticQuotesAnInlineSecret() throws {
        let path = Self.directory.appendingPathComponent("46-inline-webhook-secret.yaml").path
        do {
            _ = try ConfigurationLoader.load(path: path)
            Issue.record("loaded")
        } catch {
            #expect(!error.description.contains("s3cr3t-canary"))
        }
        do {
            _ = try ConfigurationLoader.load(path: Self.directory.appendingPathComponent("29-password-in-url.yaml").path)
        } catch {
            #expect(!error.description.contains("hunter2"))
        }
    }
}
