import Foundation
import Yams

/// A YAML data file beside the configuration (a court, a jurisdiction's holidays): read and composed, or
/// the located reason it cannot be.
enum DataFile {
    /// The file's text, or `FILE:1:1: error: cannot read the file`.
    static func text(_ path: String) throws(ConfigurationError) -> String {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw ConfigurationError(diagnostics: [Diagnostic(file: path, line: 1, column: 1, message: "cannot read the file")])
        }
        return text
    }

    /// The root node of `text` (nil when the file is empty), or the syntax error with its location.
    static func root(_ text: String, path: String) throws(ConfigurationError) -> Node? {
        do { return try Yams.compose(yaml: text) } catch let error as YamlError {
            throw ConfigurationError(diagnostics: [ConfigurationLoader.syntaxDiagnostic(error, file: path)])
        } catch {
            throw ConfigurationError(diagnostics: [Diagnostic(file: path, line: 1, column: 1, message: "cannot parse YAML")])
        }
    }

    /// The error for a file whose top level is not the mapping expected.
    static func notAMapping(_ path: String, _ reader: NodeReader) -> ConfigurationError {
        ConfigurationError(diagnostics: reader.diagnostics.isEmpty
            ? [Diagnostic(file: path, line: 1, column: 1, message: "the file is empty")] : reader.diagnostics)
    }
}
