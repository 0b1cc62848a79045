import Foundation
import TicklerCore

/// Requests whose signature verified, kept on disk until the store has what they say: each is written
/// (and synced) before it is applied and removed once applied, so a store outage or a crash loses none of
/// them. A file holds the request's fields as received (a client's number and text: client data, readable
/// by the service's user only) and when it came; it lives until the store takes it, normally milliseconds.
public struct InboundSpool: Sendable {
    public let directory: String

    /// One kept request.
    public struct Kept: Sendable, Equatable {
        /// The gateway's id for the message (`MessageSid`).
        public var id: String
        public var route: GatewayForm.Route
        /// When it was first received: what it does happened then, however late the store takes it.
        public var receivedAt: Instant
        public var form: GatewayForm
    }

    /// Opens (making it when missing, mode 0700) the spool in `directory`.
    public init(directory: String) throws(SpoolError) {
        self.directory = directory
        var isDirectory: ObjCBool = false
        if !FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory) {
            guard mkdir(directory, 0o700) == 0 || errno == EEXIST else { throw SpoolError("cannot make \(directory): \(Self.errorText())") }
        } else if !isDirectory.boolValue {
            throw SpoolError("\(directory) is not a directory")
        }
        guard access(directory, W_OK | X_OK) == 0 else { throw SpoolError("cannot write in \(directory): \(Self.errorText())") }
    }

    /// Keeps `form` (received at `now`); a request kept already under the same id stays as it was, with
    /// its first time. Returns what is kept.
    public func keep(id: String, route: GatewayForm.Route, form: GatewayForm, now: Instant) throws(SpoolError) -> Kept {
        let path = self.path(route, id)
        if let existing = read(path) { return existing }
        let kept = Kept(id: id, route: route, receivedAt: now, form: form)
        try write(Self.encode(kept), to: path)
        return kept
    }

    /// Forgets a request the store has taken.
    public func remove(_ kept: Kept) {
        unlink(path(kept.route, kept.id))
    }

    /// Every kept request, oldest first (ties by id): the order they are applied in.
    public func pending() -> [Kept] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        return names.filter { $0.hasSuffix(".request") }.compactMap { read(directory + "/" + $0) }
            .sorted { ($0.receivedAt, $0.id) < ($1.receivedAt, $1.id) }
    }

    private func path(_ route: GatewayForm.Route, _ id: String) -> String {
        // The id is the gateway's text: a digest makes it a safe file name.
        directory + "/" + route.rawValue + "-" + SHA256.hex(id).prefix(32) + ".request"
    }

    /// The file's request; nil when it is not one (it is then left for an operator, never applied).
    private func read(_ path: String) -> Kept? {
        guard let data = FileManager.default.contents(atPath: path),
              let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
              let id = object["id"] as? String, let route = (object["route"] as? String).flatMap(GatewayForm.Route.init(rawValue:)),
              let seconds = object["received_at"] as? Int64, let fields = object["fields"] as? [String: String]
        else { return nil }
        return Kept(id: id, route: route, receivedAt: Instant(seconds: seconds), form: GatewayForm(fields: fields))
    }

    static func encode(_ k: Kept) -> Data {
        let object: [String: Any] = ["id": k.id, "route": k.route.rawValue, "received_at": k.receivedAt.seconds, "fields": k.form.fields]
        return (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data()
    }

    /// Writes `data` to `path` whole or not at all: a temporary file, synced, renamed, and the directory synced.
    private func write(_ data: Data, to path: String) throws(SpoolError) {
        let temporary = path + ".tmp"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw SpoolError("cannot keep a request in \(directory): \(Self.errorText())") }
        let written = data.withUnsafeBytes { buffer -> Bool in
            var offset = 0
            while offset < buffer.count {
                let n = Glibc.write(fd, buffer.baseAddress! + offset, buffer.count - offset)
                if n < 0 && errno == EINTR { continue }
                if n <= 0 { return false }
                offset += n
            }
            return true
        }
        let synced = written && fsync(fd) == 0
        let problem = synced ? nil : Self.errorText()
        close(fd)
        guard synced, rename(temporary, path) == 0 else {
            unlink(temporary)
            throw SpoolError("cannot keep a request in \(directory): \(problem ?? Self.errorText())")
        }
        let dir = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if dir >= 0 {
            fsync(dir)
            close(dir)
        }
    }

    static func errorText() -> String { String(cString: strerror(errno)) }
}

/// The spool cannot be used (its directory, a full disk).
public struct SpoolError: Error, CustomStringConvertible, Sendable {
    public let description: String
    init(_ d: String) { description = d }
}
