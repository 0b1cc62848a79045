import Glibc

/// Secrets passed by the service manager (`LoadCredential=NAME:PATH` → `$CREDENTIALS_DIRECTORY/NAME`).
/// The only place a secret is read; its value is never logged.
public struct Credentials: Sendable {
    public let directory: String?

    public init(directory: String? = getenv("CREDENTIALS_DIRECTORY").map { String(cString: $0) }) {
        self.directory = directory
    }

    public enum Failure: Error, Equatable, CustomStringConvertible {
        case noDirectory(name: String)
        case unreadable(name: String)
        case empty(name: String)

        public var description: String {
            switch self {
            case .noDirectory(let n):
                "credential '\(n)' is not available: no credentials directory (add LoadCredential=\(n):… to the unit)"
            case .unreadable(let n): "credential '\(n)' cannot be read from the credentials directory"
            case .empty(let n): "credential '\(n)' is empty"
            }
        }
    }

    /// The secret `name`, without a trailing newline. An empty secret is refused: an empty HMAC key or
    /// password would authenticate nothing.
    public func secret(_ name: String) throws(Failure) -> String {
        guard let directory else { throw .noDirectory(name: name) }
        guard !name.isEmpty, !name.contains("/"), name != ".", name != "..", let f = fopen(directory + "/" + name, "r")
        else { throw .unreadable(name: name) }
        defer { fclose(f) }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let n = fread(&buffer, 1, buffer.count, f)
            if n <= 0 { break }
            bytes += buffer[0..<n]
        }
        if ferror(f) != 0 { throw .unreadable(name: name) }
        while let last = bytes.last, last == 10 || last == 13 { bytes.removeLast() }
        if bytes.isEmpty { throw .empty(name: name) }
        return String(decoding: bytes, as: UTF8.self)
    }
}
