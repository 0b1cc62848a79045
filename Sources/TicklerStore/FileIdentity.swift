import Glibc

/// Which file is at a path: its device and inode. A store restored from a backup (`rm; cp`), moved over
/// (`mv new.db tickler.db`) or deleted and created again is another file at the same path.
public struct FileIdentity: Equatable, Sendable, CustomStringConvertible {
    public var device: UInt64
    public var inode: UInt64

    /// The file at `path` now; nil when there is none.
    public init?(path: String) {
        var st = stat()
        guard stat(path, &st) == 0 else { return nil }
        device = UInt64(st.st_dev)
        inode = UInt64(st.st_ino)
    }

    public var description: String { "device \(device) inode \(inode)" }
}
