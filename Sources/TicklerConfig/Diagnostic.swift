/// One located problem in a configuration: `FILE:LINE:COL: error: MESSAGE`. A warning
/// (`FILE:LINE:COL: warning: MESSAGE`) names something that works but that clients would read badly (a stage
/// without text in a language, a text that does not fit its segments); the configuration is used.
public struct Diagnostic: Hashable, Sendable, CustomStringConvertible {
    public var file: String
    public var line: Int
    public var column: Int
    public var message: String
    public var isWarning: Bool

    public init(file: String, line: Int, column: Int, message: String, isWarning: Bool = false) {
        self.file = file
        self.line = line
        self.column = column
        self.message = message
        self.isWarning = isWarning
    }

    public var description: String { "\(file):\(line):\(column): \(isWarning ? "warning" : "error"): \(message)" }
}

/// A configuration that cannot be used, with every problem found in it, in file order.
public struct ConfigurationError: Error, Sendable, CustomStringConvertible {
    public var diagnostics: [Diagnostic]

    public init(diagnostics: [Diagnostic]) {
        self.diagnostics = diagnostics.sorted { ($0.file, $0.line, $0.column) < ($1.file, $1.line, $1.column) }
    }

    public var description: String { diagnostics.map(\.description).joined(separator: "\n") }
}

/// Where a value was written in the configuration, for errors found after loading (a credential that
/// cannot be read, a store that a reload cannot switch to).
public struct SourceLocation: Hashable, Sendable {
    public var file: String
    public var line: Int
    public var column: Int

    public init(file: String, line: Int, column: Int) {
        self.file = file
        self.line = line
        self.column = column
    }

    public func error(_ message: String) -> Diagnostic { Diagnostic(file: file, line: line, column: column, message: message) }

    public func warning(_ message: String) -> Diagnostic {
        Diagnostic(file: file, line: line, column: column, message: message, isWarning: true)
    }
}
