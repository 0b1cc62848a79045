import Foundation

/// Buffered standard output: `simulate` over a large firm prints hundreds of thousands of lines.
public final class Output: @unchecked Sendable {
    public static let standard = Output(fd: STDOUT_FILENO)

    private let fd: Int32
    private var buffer: [UInt8] = []
    private let lock = NSLock()

    init(fd: Int32) {
        self.fd = fd
        buffer.reserveCapacity(1 << 16)
    }

    public func line(_ text: String) {
        lock.lock()
        buffer.append(contentsOf: text.utf8)
        buffer.append(10)
        let full = buffer.count >= 1 << 16
        lock.unlock()
        if full { flush() }
    }

    /// Writes ready-made bytes (a chunk of lines) after what is buffered, without copying them.
    func write(_ bytes: [UInt8]) {
        flush()
        lock.lock()
        defer { lock.unlock() }
        bytes.withUnsafeBytes { Self.writeAll(fd, $0) }
    }

    private static func writeAll(_ fd: Int32, _ raw: UnsafeRawBufferPointer) {
        var offset = 0
        while offset < raw.count {
            let n = Glibc.write(fd, raw.baseAddress! + offset, raw.count - offset)
            if n <= 0 { return }
            offset += n
        }
    }

    public func flush() {
        lock.lock()
        defer { lock.unlock() }
        buffer.withUnsafeBytes { Self.writeAll(fd, $0) }
        buffer.removeAll(keepingCapacity: true)
    }

    /// One line to standard error, unbuffered.
    public static func error(_ text: String) {
        FileHandle.standardError.write((text + "\n").data(using: .utf8)!)
    }

    /// Whether standard error is a terminal (progress is shown only there).
    public static var stderrIsTerminal: Bool { isatty(STDERR_FILENO) != 0 }
}

/// A progress line on a terminal, redrawn at most a few times a second; silent on a pipe.
public struct Progress {
    let label: String
    let total: Int
    let enabled: Bool
    private var lastDraw = Date.distantPast

    public init(_ label: String, total: Int) {
        self.label = label
        self.total = total
        self.enabled = Output.stderrIsTerminal
    }

    public mutating func update(_ done: Int) {
        guard enabled else { return }
        let now = Date()
        guard done == total || now.timeIntervalSince(lastDraw) > 0.2 else { return }
        lastDraw = now
        let percent = total == 0 ? 100 : done * 100 / total
        FileHandle.standardError.write("\r\(label) \(done)/\(total) (\(percent)%)\u{1B}[K".data(using: .utf8)!)
    }

    public func finish() {
        guard enabled else { return }
        FileHandle.standardError.write("\r\u{1B}[K".data(using: .utf8)!)
    }
}
