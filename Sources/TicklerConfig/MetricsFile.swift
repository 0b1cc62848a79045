import Glibc

/// `metrics: { textfile, mode, group }`: where each tick writes Prometheus text for node_exporter's
/// textfile collector, and who may read it. The file is made with exactly `mode` (the service's umask
/// does not apply) and, when `group` is given, handed to that group.
public struct MetricsFile: Sendable, Equatable {
    /// The file (it ends in `.prom`).
    public var path: String
    /// Its permission bits: 0600 by default (only the service's user); 0644 lets every user read it,
    /// 0640 with `group` the members of that group. Never writable by others.
    public var mode: UInt32 = 0o600
    /// The group the file is given, by name and id.
    public var group: Group?

    public struct Group: Sendable, Equatable {
        public var name: String
        public var id: UInt32
    }

    public init(path: String, mode: UInt32 = 0o600, group: Group? = nil) {
        self.path = path
        self.mode = mode
        self.group = group
    }

    /// `0640` or `640`: owner read-write, nothing beyond read for the group and others; nil otherwise.
    static func parseMode(_ text: String) -> UInt32? {
        guard (3...4).contains(text.count), text.allSatisfy({ ("0"..."7").contains($0) }),
              let value = UInt32(text, radix: 8), value <= 0o777 else { return nil }
        guard value & 0o600 == 0o600, value & 0o133 == 0 else { return nil }
        return value
    }

    /// The group named `name` on this system.
    static func lookupGroup(_ name: String) -> Group? {
        guard let entry = getgrnam(name) else { return nil }
        return Group(name: name, id: entry.pointee.gr_gid)
    }
}
